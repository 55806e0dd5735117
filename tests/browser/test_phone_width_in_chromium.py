"""At a phone's width (390 px) no page scrolls sideways, in English and in Arabic.

Every page the URL configuration names is opened at 390 × 844 in Chromium, in `en` and in `ar`
(right to left); tests/site_pages.py lists them, with the routes it skips and why (files, an
htmx fragment, actions that take only a POST). They are opened by a visitor and by each role
signed in (a State's focal point, a provider's representative, a reviewer and a Secretariat
officer, both with two-factor authentication), over the demo's data and a few records with long
titles and long unbroken strings. A page scrolls sideways when
`document.documentElement.scrollWidth` exceeds the width of the window; the test fails with
every such page and its width. Every data table must sit in its own named scrolling box
(`.table-scroll`, site.css). Screenshots of /ar/figures/ and /fr/fund/ at that width are kept as
CI artefacts (EF_ARTIFACTS).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import keep_screenshot, sign_in
from tests.site_pages import PEOPLE, build_scenario, page_paths

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
LANGUAGES = ("en", "ar")

# The page's width, and how many of its data tables are not in a scrolling box whose name
# (aria-labelledby) points to text on the page: a table that fits today's data may not fit
# tomorrow's, so every one has the box.
MEASURE = """() => [
  document.documentElement.scrollWidth,
  [...document.querySelectorAll("table.data")].filter((table) => {
    const box = table.parentElement;
    if (!box.matches(".table-scroll[tabindex='0']")) return true;
    const ids = (box.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
    return !ids.length || ids.some((id) => !document.getElementById(id)?.textContent.trim());
  }).length,
]"""


@pytest.fixture
def scenario(settings: Any) -> dict[str, Any]:
    """The demo and a few records with long text (tests/site_pages.py): the pages' arguments."""
    return build_scenario(settings)


def test_no_page_scrolls_sideways_on_a_phone(
    browser: Any, live_server: Any, scenario: dict[str, Any]
) -> None:
    paths = [f"/{lang}{path}" for lang in LANGUAGES for path in page_paths(scenario)]
    too_wide: list[tuple[str, str, int]] = []
    unboxed: list[tuple[str, int]] = []
    broken: list[tuple[str, str]] = []
    for who, username in PEOPLE.items():
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        sign_in(context, live_server.url, username)
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server.url + path)
            if response is None or response.status >= 500:
                broken.append((who, path))  # a page that failed is not measured
                continue
            width, tables = page.evaluate(MEASURE)
            if width > WIDTH:
                too_wide.append((who, path, width))
            if tables:
                unboxed.append((path, tables))
        if username is None:
            for path in ("/ar/figures/", "/fr/fund/"):
                page.goto(live_server.url + path)
                keep_screenshot(page, "phone" + path.replace("/", "-").rstrip("-"))
        context.close()
    assert not broken, f"pages that failed to render (who, path): {broken}"
    assert not too_wide, f"pages wider than {WIDTH} px (who, path, width): {too_wide}"
    assert not unboxed, f"data tables outside a named .table-scroll box (path, count): {unboxed}"
