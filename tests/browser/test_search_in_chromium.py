"""Search in Chromium, in English and in Arabic: a visitor finds published records by an
Arabic word, a Chinese phrase and a French word typed without its accents, narrows the results
by a facet, and opens one."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.browser.conftest import keep_screenshot

pytestmark = pytest.mark.browser

TITLES = {
    "ar": "تدريب فرق الاستجابة للحوادث الحاسوبية",
    "zh": "国家网络安全应急响应培训",
    "fr": "Développement des équipes nationales d'intervention",
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_visitor_searches_in_three_scripts_narrows_by_a_facet_and_opens_a_record(
    browser: Any, live_server: Any, lang: str, provider_rep: Any, officer: Any, settings: Any
) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0
    # Published through the services: each is indexed as its publication commits.
    records = {
        language: factories.published_activity(
            provider_rep,
            officer,
            title=title,
            title_language=language,
            themes=["skills"] if language == "fr" else ["incident"],
        )
        for language, title in TITLES.items()
    }
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/{lang}/register/")
    page.click("nav.main-nav a[href$='/search/']")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")

    for words, language in (("الحوادث", "ar"), ("网络安全", "zh"), ("developpement", "fr")):
        page.fill("input[name=q]", words)
        page.click("form[role=search] button[type=submit]")
        results = page.locator("ol.results li")
        assert results.count() == 1, words
        assert results.first.get_by_text(TITLES[language]).is_visible()
    keep_screenshot(page, f"search-french-without-accents-{lang}")

    # All three are Kenya's (factories.VALID_ACTIVITY): its name finds them; a theme narrows.
    page.fill("input[name=q]", "كينيا" if lang == "ar" else "Kenya")
    page.click("form[role=search] button[type=submit]")
    assert page.locator("ol.results li").count() == 3
    page.select_option("select[name=theme]", "skills")
    page.click("form[role=search] button[type=submit]")
    assert page.locator("ol.results li").count() == 1
    keep_screenshot(page, f"search-narrowed-by-theme-{lang}")
    page.click("ol.results li a")
    assert page.url.endswith(f"/{lang}/register/{records['fr'].pk}/")
    assert page.locator("h1").inner_text().startswith(TITLES["fr"])
