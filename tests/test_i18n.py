from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from equalfooting import catalogues

LANGS = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def test_every_catalogue_is_complete() -> None:
    assert len(catalogues.catalogues()) == 5
    assert catalogues.incomplete() == []


def test_the_six_official_languages_are_offered() -> None:
    assert [code for code, _ in settings.LANGUAGES] == LANGS


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_pages_render_in_each_language_with_lang_and_direction(client: Client, lang: str) -> None:
    body = client.get(f"/{lang}/states/").content.decode()
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in body


@pytest.mark.django_db
@pytest.mark.parametrize("lang", [code for code in LANGS if code != "en"])
def test_interface_text_is_translated(client: Client, lang: str) -> None:
    with translation.override(lang):
        heading = translation.gettext("States")
    assert heading != "States"
    assert f"<h1>{heading}</h1>" in client.get(f"/{lang}/states/").content.decode()


@pytest.mark.django_db
def test_the_language_switcher_links_to_the_same_page(client: Client) -> None:
    links = client.get("/en/states/KEN/").context["language_links"]
    assert {link["url"] for link in links} == {f"/{code}/states/KEN/" for code in LANGS}


@pytest.mark.django_db
def test_the_root_redirects_to_a_language(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "fr"})
    assert response.status_code == 302 and response["Location"] == "/fr/"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", [code for code in LANGS if code != "en"])
def test_error_pages_are_translated(client: Client, lang: str) -> None:
    with translation.override(lang):
        title = translation.gettext("Not found")
    response = client.get(f"/{lang}/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404 and title != "Not found" and f"<h1>{title}</h1>" in body
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in body


@pytest.mark.parametrize("lang", LANGS)
def test_the_server_error_page_is_translated_without_touching_the_database(lang: str) -> None:
    from django.test import RequestFactory

    from equalfooting.web.views import error_500

    with translation.override(lang):
        title = translation.gettext("Server error")
        response = error_500(RequestFactory().get(f"/{lang}/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert f"<title>{title}</title>" in body
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in body
