"""The dashboards and the map in Arabic and English: drawn, right to left, no other host."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_pages_in_chromium import foreign_requests

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_dashboards_and_map(page: Any, live_server: Any, lang: str, direction: str) -> None:
    for path in (
        f"/{lang}/figures/",
        f"/{lang}/figures/fairness/",
        f"/{lang}/figures/map/?metric=coverage",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("dir") == direction
    # The map is an SVG drawn on the server, with one path per shape.
    assert page.locator(".chart-svg svg path").count() > 150
    box = page.locator(".chart-svg svg").bounding_box()
    assert box["width"] > 300
    assert foreign_requests(page, live_server.url) == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], (
        page.console_errors
    )
