"""A focal point of one State is refused on every write to another State.

The routes are read from the URL configuration and the API's own route table, so a route
added later is tested without anyone remembering to list it: every route that takes a
State's ISO code must either be guarded by the permissions module (and refuse the foreign
focal point) or accept no write at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from equalfooting.accounts.models import User
from equalfooting.accounts.services import api_token_create
from equalfooting.api.main import api
from equalfooting.registry.models import StateProfile
from equalfooting.transparency.models import AuditEntry

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def state_routes() -> list[tuple[str, URLPattern]]:
    return [
        (route, pattern)
        for route, pattern in _walk(get_resolver().url_patterns)
        if "<str:iso3>" in route and not route.startswith("api/")
    ]


def api_state_writes() -> list[tuple[str, str]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if "{iso3}" not in path:
                continue
            for operation in path_view.operations:
                for method in operation.methods:
                    if method in WRITE_METHODS:
                        found.append(
                            (
                                method,
                                "/api/v1/"
                                + (prefix.strip("/") + "/" if prefix.strip("/") else "")
                                + path.lstrip("/"),
                            )
                        )
    return found


def test_the_route_tables_are_not_empty() -> None:
    # Guards against a refactor that makes the generated tests below silently vanish.
    assert any(getattr(p.callback, "ef_action", None) for _r, p in state_routes())
    assert api_state_writes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "pattern"), state_routes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_foreign_focal_point_is_refused_on_every_web_write(
    client: Client, focal_point_ken: User, route: str, pattern: URLPattern
) -> None:
    url = "/en/" + route.split("/", 1)[1].replace("<str:iso3>", "FRA")
    client.force_login(focal_point_ken)
    before = AuditEntry.objects.count()
    response = client.post(
        url, {"summary": "intrusion", "email": "x@example.org", "focal_kind": "technical"}
    )
    if getattr(pattern.callback, "ef_action", None):
        assert response.status_code == 403, f"{url} is guarded but answered {response.status_code}"
    else:
        assert response.status_code == 405, (
            f"{url} is not guarded by the permissions module yet accepts POST"
        )
    assert AuditEntry.objects.count() == before
    assert not StateProfile.objects.filter(state__iso3="FRA").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), api_state_writes())
def test_a_foreign_focal_point_is_refused_on_every_api_write(
    client: Client, focal_point_ken: User, method: str, url: str
) -> None:
    _token, key = api_token_create(actor=focal_point_ken, name="t")
    before = AuditEntry.objects.count()
    response = client.generic(
        method,
        url.replace("{iso3}", "FRA"),
        '{"summary": "intrusion"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 403, response.content
    assert AuditEntry.objects.count() == before
    # The same request for the focal point's own State is not refused, so the 403 above is
    # the State check and not a broken route.
    own = client.generic(
        method,
        url.replace("{iso3}", "KEN"),
        '{"summary": "ours"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert own.status_code != 403
