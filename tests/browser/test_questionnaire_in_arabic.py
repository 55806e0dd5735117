"""The self-assessment questionnaire, filled in and saved in Arabic, right to left.

A screenshot is kept under artifacts/ (EF_ARTIFACTS) so CI keeps what the page looked like.
"""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting.needs import framework as fw
from tests.browser.conftest import keep_screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_focal_point_fills_in_the_questionnaire_in_arabic(
    browser: Any, live_server: Any, focal_point_ken: Any
) -> None:
    framework = fw.load()
    context = browser.new_context(locale="ar", viewport={"width": 1200, "height": 1600})
    page = context.new_page()
    page.goto(live_server.url + "/ar/account/login/")
    page.fill("input[name=username]", focal_point_ken.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.goto(live_server.url + "/ar/states/KEN/assessments/edit/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    first = framework.dimensions[0]
    assert page.locator("h2").first.inner_text() == first.name["ar"]

    for indicator in framework.indicators:
        page.check(f"input[name='stage_{indicator.code}'][value='2']")
    page.select_option(f"select[name='target_{first.code}']", "4")
    # The stage labels sit to the right of their radio buttons in a right-to-left layout.
    radio = page.locator(f"input[name='stage_{first.indicators[0].code}']").first.bounding_box()
    label = page.locator("ol.stages li label").first.bounding_box()
    assert radio["x"] + radio["width"] > label["x"] + label["width"] - 40

    page.click("button[name=action][value=save]")
    assert page.locator(".message.success").count() == 1
    assert page.locator(f"input[name='stage_{first.indicators[0].code}'][value='2']").is_checked()

    shot = keep_screenshot(page, "questionnaire-ar", full_page=False)
    assert shot.stat().st_size > 10_000
    context.close()
