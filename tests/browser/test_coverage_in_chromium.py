"""The coverage matrix in Chromium, in English and in Arabic: a State's need without activity
stands out in its cell, in words as well as colour, and the State's own page shows its row."""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting.needs import framework as fw
from tests import factories
from tests.browser.conftest import keep_screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_need_without_activity_stands_out(
    browser: Any, live_server: Any, lang: str, focal_point_ken: Any, settings: Any
) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0
    targets = {d.code: 4 for d in fw.load().dimensions}
    factories.submitted_assessment(
        focal_point_ken, "KEN", visibility="public", stage=1, targets=targets
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/register/coverage/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    kenya = page.locator("table.coverage tr", has=page.locator("a[href$='/states/KEN/']"))
    unmet = kenya.locator("td.cov-unmet")
    assert unmet.count() == len(targets)  # every theme: need, and no activity yet
    # The status is said in words to a screen reader, not by colour alone.
    assert unmet.first.locator(".visually-hidden").inner_text().strip()
    keep_screenshot(page, f"coverage-{lang}", full_page=False)
    page.goto(f"{live_server.url}/{lang}/states/KEN/")
    assert page.locator("#coverage-heading").is_visible()
    assert page.locator("section[aria-labelledby='coverage-heading'] td.cov-unmet").count() == len(
        targets
    )
    context.close()
