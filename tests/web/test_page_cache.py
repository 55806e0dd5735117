"""Pages for the public: kept whole in the shared cache, made afresh when any data change, and
sent so that a proxy may serve them; pages for signed-in users never kept by anyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from equalfooting.accounts.models import User
from equalfooting.registry.models import State
from equalfooting.registry.services import state_profile_update
from equalfooting.settings import cache_from_url

STATE_PAGE = "/en/states/KEN/"


def _queries(client: Client, path: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.django_db
def test_a_public_page_is_made_once_and_sent_for_proxies(client: Client) -> None:
    first, made = _queries(client, STATE_PAGE)
    again, kept = _queries(client, STATE_PAGE)
    assert again.content == first.content
    # From the cache: only the audit chain's head is read (the cache here is in memory).
    assert kept == 1 < made
    for response in (first, again):
        assert "public" in response["Cache-Control"]
        assert "max-age=60" in response["Cache-Control"]
        assert response["ETag"] == first["ETag"]
        # Security headers apply to a kept page as to any other.
        assert "Content-Security-Policy" in response
    # A proxy asking again with the ETag is told nothing changed.
    assert client.get(STATE_PAGE, headers={"If-None-Match": first["ETag"]}).status_code == 304


@pytest.mark.django_db
def test_a_change_of_data_makes_the_page_again(
    client: Client, focal_point_ken: User, state_ken: State
) -> None:
    summary = "A profile kept up to date"
    assert summary.encode() not in client.get(STATE_PAGE).content
    state_profile_update(actor=focal_point_ken, state=state_ken, summary=summary)
    assert summary.encode() in client.get(STATE_PAGE).content


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_never_served_from_the_public_cache(
    client: Client, focal_point_ken: User
) -> None:
    public = client.get(STATE_PAGE)
    client.force_login(focal_point_ken)
    mine = client.get(STATE_PAGE)
    assert mine.content != public.content  # not the anonymous page from the cache
    assert b"Sign out" in mine.content and b"Sign out" not in public.content
    assert "private" in mine["Cache-Control"] and "no-cache" in mine["Cache-Control"]
    assert "public" not in mine["Cache-Control"]
    # And the signed-in page did not replace the public one.
    assert b"Sign out" not in Client().get(STATE_PAGE).content


@pytest.mark.django_db
def test_a_page_with_a_form_that_posts_is_never_kept(client: Client) -> None:
    _first, made = _queries(client, "/en/account/login/")
    response, again = _queries(Client(), "/en/account/login/")
    assert again == made  # made afresh: its CSRF token is the reader's own
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_with_no_time_to_keep_pages_each_is_made_afresh(client: Client, settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0
    _first, made = _queries(client, STATE_PAGE)
    response, again = _queries(client, STATE_PAGE)
    assert again == made
    assert "public" in response["Cache-Control"]  # a proxy may still keep it


@pytest.mark.django_db
def test_probes_do_no_work_for_the_cache(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get("/healthz")
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "locmem.LocMemCache", None),
        ("db://", "db.DatabaseCache", "ef_cache"),
        ("db://shared_pages", "db.DatabaseCache", "shared_pages"),
        ("redis://cache.internal:6379/0", "redis.RedisCache", "redis://cache.internal:6379/0"),
        ("dummy://", "dummy.DummyCache", None),
    ],
)
def test_cache_url_names_the_shared_cache(url: str, backend: str, location: str | None) -> None:
    cache = cache_from_url(url)
    assert cache["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert cache.get("LOCATION") == location


@pytest.mark.parametrize("url", ["memcached://x", "db://drop table;", "redis"])
def test_a_cache_url_that_cannot_be_used_stops_the_server(url: str) -> None:
    # Django's own exception: the settings stop the server with it at start.
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url(url)
