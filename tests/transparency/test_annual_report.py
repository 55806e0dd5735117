"""The annual progress report renders in the six languages, to HTML and to PDF."""

from __future__ import annotations

import io
import os
import re
import unicodedata

import pytest
from django.test import Client
from django.utils import timezone, translation

from equalfooting.audit.models import AuditEntry
from equalfooting.transparency import report

LANGS = ["ar", "zh-hans", "en", "fr", "ru", "es"]
pytestmark = pytest.mark.django_db


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401 - loads Pango
    except OSError:
        return False
    return True


@pytest.fixture
def pdf_renderer() -> None:
    if not weasyprint_available():
        if os.environ.get("EF_REQUIRE_PDF"):
            pytest.fail("EF_REQUIRE_PDF is set but WeasyPrint cannot load Pango")
        pytest.skip("WeasyPrint needs Pango (Debian: libpango-1.0-0) and the Noto fonts")


def plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_carries_the_translated_title(lang: str, pdf_renderer: None) -> None:
    from pypdf import PdfReader

    with translation.override(lang):
        title = translation.gettext("Annual progress report %(year)s") % {"year": 2026}
    if lang != "en":
        assert title != "Annual progress report 2026"
    data = report.pdf(2026, lang)
    assert data.startswith(b"%PDF")
    text = plain("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    # Text extraction may put the year on either side of right-to-left words (bidi order):
    # the words must appear together, and the year too.
    if lang == "ar":
        words = plain(re.sub(r"\d+", " ", title))
        assert words in text and "2026" in text, text[:300]
    else:
        assert plain(title) in text, text[:300]


def test_the_report_page(client: Client) -> None:
    page = client.get("/ar/reports/annual/2026/")
    body = page.content.decode()
    with translation.override("ar"):
        title = translation.gettext("Annual progress report %(year)s") % {"year": 2026}
    assert page.status_code == 200 and title in body and 'dir="rtl"' in body
    assert page.context["audit_head"] in body


def test_reports_exist_for_the_years_that_have_data(client: Client) -> None:
    """From the year of the installation's first recorded change to this year; not before,
    not a year to come (the page and the PDF alike)."""
    first = int(AuditEntry.objects.order_by("seq").values_list("at", flat=True)[0][:4])
    this_year = timezone.now().year
    assert client.get(f"/en/reports/annual/{first - 1}/").status_code == 404
    assert client.get(f"/en/reports/annual/{this_year + 1}/").status_code == 404
    assert client.get(f"/en/reports/annual/{this_year}/").status_code == 200
    assert client.get(f"/en/reports/annual/{first - 1}/report.pdf").status_code == 404
