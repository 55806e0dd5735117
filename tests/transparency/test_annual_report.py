"""The annual progress report renders in the six languages, to HTML and to PDF."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone, translation

from equalfooting.accounts.models import User
from equalfooting.audit.models import AuditEntry
from equalfooting.cli import main
from equalfooting.core.errors import Unavailable
from equalfooting.needs.models import AssistanceRequest
from equalfooting.transparency import fonts, report
from tests import factories

LANGS = ["ar", "zh-hans", "en", "fr", "ru", "es"]
pytestmark = pytest.mark.django_db


def plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_carries_the_translated_title(lang: str, needs_pdf: Callable[[str], None]) -> None:
    from pypdf import PdfReader  # test-only dependency, read where it is needed

    needs_pdf(lang)

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


def test_the_reports_tables_are_named_and_headed(client: Client, focal_point_ken: User) -> None:
    """Every table has a caption; column and row headers say what they head; figures are
    marked as numbers (aligned on their last digit, in either direction of writing)."""
    factories.assistance_request(focal_point_ken, status=AssistanceRequest.Status.SUBMITTED)
    body = client.get(f"/en/reports/annual/{timezone.now().year}/").content.decode()
    tables = re.findall(r"<table\b.*?</table>", body, re.S)
    assert len(tables) == 2
    for table in tables:
        assert re.search(r"<caption[^>]*>\s*\w", table), table[:200]
        assert "<th>" not in table and 'scope="col"' in table and 'scope="row"' in table
        assert 'class="num"' in table
    assert "Requests, agreed matches and share served, by region" in body


def test_a_table_longer_than_a_page_repeats_its_header(
    needs_pdf: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader  # test-only dependency, read where it is needed

    needs_pdf("en")
    real = report.statistics.fairness

    def many_declines() -> dict[str, list[dict[str, object]]]:
        figures = real()
        figures["declines"] = [
            {"side": "Provider", "label": f"Reason {n}", "declines": n} for n in range(120)
        ]
        return figures

    monkeypatch.setattr(report.statistics, "fairness", many_declines)
    pages = [
        plain(page.extract_text()) for page in PdfReader(io.BytesIO(report.pdf(2026, "en"))).pages
    ]
    holding = [n for n, text in enumerate(pages) if re.search(r"Reason \d+ ", text)]
    assert len(holding) >= 2 and all("Declined by Reason Declines" in pages[n] for n in holding)


def test_reports_exist_for_the_years_that_have_data(client: Client) -> None:
    """From the year of the installation's first recorded change to this year; not before,
    not a year to come (the page and the PDF alike)."""
    first = int(AuditEntry.objects.order_by("seq").values_list("at", flat=True)[0][:4])
    this_year = timezone.now().year
    assert client.get(f"/en/reports/annual/{first - 1}/").status_code == 404
    assert client.get(f"/en/reports/annual/{this_year + 1}/").status_code == 404
    assert client.get(f"/en/reports/annual/{this_year}/").status_code == 200
    assert client.get(f"/en/reports/annual/{first - 1}/report.pdf").status_code == 404


def test_fontconfig_finds_the_fonts_that_cover_a_script(needs_pdf: Callable[[str], None]) -> None:
    """The lookup asks the fontconfig that Pango uses: where the PDF can be made, it names the
    fonts covering the script; an orthography no font covers has none."""
    needs_pdf("zh-hans")
    assert any("CJK" in family for family in fonts.fonts_covering("zh-cn") or ())
    assert fonts.font_missing("zh-hans") is None
    assert fonts.fonts_covering("xx-nonesuch") == ()


def test_a_pdf_in_a_language_without_its_font_is_refused_naming_the_package(
    without_font: Callable[[str], None],
) -> None:
    without_font("zh-cn")
    with pytest.raises(Unavailable) as refused:
        report.pdf(2026, "zh-hans")
    assert "fonts-noto-cjk" in str(refused.value) and "Simplified Chinese" in str(refused.value)
    without_font("ar")
    with translation.override("fr"):
        message = fonts.font_missing("ar")
    assert message is not None and "fonts-noto-core" in message
    assert "Arabe" in message, message  # the language named in the reader's language


def test_the_command_line_refuses_a_pdf_without_its_font_in_one_sentence(
    without_font: Callable[[str], None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without_font("zh-cn")
    out = tmp_path / "report.pdf"
    year = str(timezone.now().year)
    assert main(["report", "annual", "--year", year, "--lang", "zh-hans", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: A PDF in Simplified Chinese cannot be made on this server")
    assert "fonts-noto-cjk" in error and error.count("\n") == 1 and "Traceback" not in error
    assert not out.exists()
    # The page's HTML needs no font on this server: it is still written.
    html = tmp_path / "report.html"
    assert main(["report", "annual", "--year", year, "--lang", "zh-hans", "--out", str(html)]) == 0
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
