"""Real pages in the system Chromium: Arabic and English, right-to-left, no other host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def foreign_requests(page: Any, server_url: str) -> list[str]:
    own = urlsplit(server_url).netloc
    return [
        url
        for url in page.requests_seen
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != own
    ]


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_home_states_and_a_state_profile(
    page: Any, live_server: Any, lang: str, direction: str
) -> None:
    for path in (f"/{lang}/", f"/{lang}/states/", f"/{lang}/states/KEN/"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        html = page.locator("html")
        assert html.get_attribute("lang") == lang
        assert html.get_attribute("dir") == direction
        assert page.locator("h1").first.is_visible()

    # The profile page names the State in the page's language.
    heading = page.locator("h1").first.inner_text()
    assert heading == ("كينيا" if lang == "ar" else "Kenya")
    # Logical CSS: in Arabic the language switcher sits at the left edge, in English at the right.
    box = page.locator(".language-nav").bounding_box()
    width = page.viewport_size["width"]
    if direction == "rtl":
        assert box["x"] < width / 2
    else:
        assert box["x"] + box["width"] > width / 2

    assert foreign_requests(page, live_server.url) == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], (
        page.console_errors
    )


def test_search_and_language_switch_work_without_javascript(browser: Any, live_server: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/states/")
    page.fill("input[name=q]", "Кения")
    page.click("form.filters button[type=submit]")
    assert page.locator("table.data tbody tr").count() == 1
    page.click(".language-nav a[hreflang=fr]")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "q=" in page.url and "/fr/states/" in page.url
    context.close()
