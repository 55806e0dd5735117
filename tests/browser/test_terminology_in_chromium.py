"""The contacts directory, a matching round and the fund, in Chinese, Arabic and Russian, read
with the glossary's terms; screenshots of each are kept as CI artefacts (EF_ARTIFACTS) so a
reviewer of the translations sees the pages as readers do (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting.matchmaking.models import Round
from equalfooting.terminology import load_renderings, load_terms, normalise
from tests.browser.conftest import keep_screenshot, sign_in
from tests.site_pages import build_scenario

pytestmark = pytest.mark.browser

# Each page, and a glossary term its heading or body must render with an accepted form.
PAGES = {
    "contacts": ("/contacts/", "point of contact"),
    "round": ("/rounds/{round_id}/", "matching round"),
    "fund": ("/fund/", "assistance fund"),
}


@pytest.mark.parametrize("language", ["zh-hans", "ar", "ru"])
def test_the_pages_read_with_the_glossarys_terms(
    browser: Any, live_server: Any, settings: Any, language: str
) -> None:
    build_scenario(settings)
    round_id = Round.objects.filter(status=Round.Status.PUBLISHED).latest("pk").pk
    catalogue = "zh_Hans" if language == "zh-hans" else language
    renderings = load_renderings(catalogue, load_terms())
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, live_server.url, "demo-secretariat")
    page = context.new_page()
    for name, (path, term) in PAGES.items():
        response = page.goto(f"{live_server.url}/{language}{path.format(round_id=round_id)}")
        assert response is not None and response.status == 200, (name, language)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        text = normalise(page.locator("main").inner_text()).casefold()
        accepted = renderings[term].accepted
        assert any(normalise(form).casefold() in text for form in accepted), (name, term)
        shot = keep_screenshot(page, f"terms-{catalogue}-{name}")
        assert shot.stat().st_size > 10_000
    context.close()
