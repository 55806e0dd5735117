"""The API's documentation is served by the installation itself: Swagger UI from vendored
static files, under the site's strict CSP, asking no other host for anything."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_from_the_installation_alone(
    page: Any, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() > 10  # the routes, listed
    assert "Equal Footing API" in page.locator(".info .title").first.inner_text()
    assert not page.console_errors  # nothing blocked by the CSP, nothing missing
    foreign = [url for url in page.requests_seen if not url.startswith(live_server.url)]
    assert foreign == []


def test_every_page_names_a_favicon_the_site_serves(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/en/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon is not None
    response = page.request.get(f"{live_server.url}{icon}")
    assert response.status == 200 and "svg" in response.headers["content-type"]
    assert not page.console_errors
