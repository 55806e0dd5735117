"""The register's whole journey in Chromium, in English and in Arabic: a provider proposes a
record, the Secretariat (with its second factor) takes it up and publishes it, the public finds
it with a filter, and a beneficiary State keeps it to aggregates, after which the public no
longer sees it."""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting.programmes.models import Activity
from tests.browser.conftest import keep_screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_record_goes_from_proposal_to_the_public_register_and_back_to_aggregates(
    browser: Any,
    live_server: Any,
    lang: str,
    provider_rep: Any,
    officer: Any,
    focal_point_ken: Any,
    settings: Any,
) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0  # the public's pages are read again after each step
    base = live_server.url
    people = {}
    for who, username in (
        ("provider", provider_rep.username),
        ("secretariat", officer.username),
        ("focal point", focal_point_ken.username),
        ("public", None),
    ):
        people[who] = browser.new_context()
        sign_in(people[who], base, username)
    title = {"en": "Incident response fellowship", "ar": "زمالة الاستجابة للحوادث"}[lang]

    # The provider proposes the record.
    page = people["provider"].new_page()
    page.goto(f"{base}/{lang}/register/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.click("a[href$='/register/propose/']")
    page.fill("input[name=title]", title)
    page.select_option("select[name=title_language]", lang)
    page.fill("textarea[name=providers]", "Example Cyber Agency")
    page.select_option("select[name=provider_kind]", "state")
    page.fill("input[name=beneficiaries]", "KEN GHA")
    page.check("input[name=themes][value=incident]")
    page.select_option("select[name=modality]", "fellowship")
    page.fill("input[name=start]", "2026-03-01")
    page.fill("input[name=end]", "2026-09-30")
    page.select_option("select[name=phase]", "ongoing")
    page.check(f"input[name=languages][value={lang}]")
    page.click("form.stacked button[type=submit]")
    assert "/register/" in page.url and page.locator("h1").inner_text().startswith(title)
    keep_screenshot(page, f"register-proposed-{lang}")
    record = Activity.objects.get()
    assert record.curation == Activity.Curation.SUBMITTED

    # Before curation, the public does not find it.
    public = people["public"].new_page()
    assert public.goto(f"{base}/{lang}/register/{record.pk}/").status == 404

    # The Secretariat finds it in its queue, takes it up and publishes it with a note.
    page = people["secretariat"].new_page()
    page.goto(f"{base}/{lang}/register/curation/")
    page.click(f"a[href$='/register/{record.pk}/']")
    page.click("button[name=target][value=under_curation]")
    page.fill("textarea[name=note]", "Confirmed with the agency.")
    keep_screenshot(page, f"register-curating-{lang}")
    page.click("button[name=target][value=published]")
    assert Activity.objects.get().curation == Activity.Curation.PUBLISHED

    # The public finds it, filtered by theme and by Kenya's code.
    public.goto(f"{base}/{lang}/register/?theme=incident&state=KEN")
    assert public.get_by_text(title).is_visible()
    keep_screenshot(public, f"register-public-{lang}")
    public.goto(f"{base}/{lang}/register/?theme=policy")
    assert public.get_by_text(title).count() == 0

    # Kenya, a beneficiary, keeps it to aggregates; the public no longer sees it.
    page = people["focal point"].new_page()
    page.goto(f"{base}/{lang}/register/{record.pk}/")
    page.click(f"form[action$='/register/{record.pk}/aggregate-only/'] button")
    assert Activity.objects.get().aggregate_only
    keep_screenshot(page, f"register-aggregate-only-{lang}")
    assert public.goto(f"{base}/{lang}/register/{record.pk}/").status == 404
    for context in people.values():
        context.close()
