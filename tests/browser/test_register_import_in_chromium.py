"""The Secretariat's spreadsheet round trip in Chromium, in English and in Arabic: download the
register, change a row and add one, see the dry run, confirm, and find the changes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from equalfooting.programmes.models import Activity
from tests import factories
from tests.browser.conftest import keep_screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_secretariat_imports_an_edited_spreadsheet(
    browser: Any,
    live_server: Any,
    lang: str,
    provider_rep: Any,
    officer: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0
    record = factories.published_activity(provider_rep, officer, title="Programme A")
    base = live_server.url
    context = browser.new_context()
    sign_in(context, base, officer.username)
    page = context.new_page()
    page.goto(f"{base}/{lang}/register/")
    with page.expect_download() as download:
        page.click("a[href$='/register/export.xlsx']")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    rows[1][1] = "Programme A, second phase"  # the title, second column in every language
    added = [""] * len(rows[0])
    added[1], added[2], added[4], added[6] = "Programme B", "en", "Agency B", "state"
    added[7], added[10], added[11], added[16], added[17] = (
        "GHA",
        "policy",
        "training",
        "planned",
        "en",
    )
    rows.append(added)
    book = Workbook()
    for row in rows:
        book.active.append(row)
    edited = tmp_path / "register.xlsx"
    book.save(edited)

    page.click("a[href$='/register/import/']")
    page.set_input_files("input[name=file]", str(edited))
    page.click("form.stacked button[type=submit]")
    assert page.locator("table.data tbody tr").count() == 2
    keep_screenshot(page, f"register-import-dry-run-{lang}")
    assert Activity.objects.get(pk=record.pk).title == "Programme A"  # nothing written yet
    page.click("form[action*='/register/import/'] button")
    assert Activity.objects.get(pk=record.pk).title == "Programme A, second phase"
    assert Activity.objects.filter(title="Programme B", source="imported").exists()
    keep_screenshot(page, f"register-imported-{lang}")
    context.close()
