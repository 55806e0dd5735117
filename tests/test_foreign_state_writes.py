"""A focal point of one State is refused on every write to another State.

The routes are read from the URL configuration and the API's own route table, so a route
added later is tested without anyone remembering to list it: every route that names a State
or something a State owns (its ISO code, a request, an assessment, a contact) must either be
guarded by the permissions module (and refuse the foreign focal point) or accept no write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from equalfooting.accounts.models import ApiToken, User
from equalfooting.accounts.services import api_token_create
from equalfooting.api.main import api
from equalfooting.audit.models import AuditEntry
from equalfooting.registry.models import StateProfile
from tests import factories

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A body well-formed for every write route (each ignores the fields it does not know), so
# the answer is about who asks, not about the shape of what they send.
BODY = json.dumps(
    {
        "summary": "intrusion",
        "target": "withdrawn",
        "reason": "intrusion",
        "visibility": "public",
        "answers": {},
        "targets": {},
        "title": "intrusion",
        "kind": "technical",
        "name": "Intruder",
        "email": "x@example.org",
    }
)
# URL parameters that name a State or something that belongs to one.
STATE_OWNED = ("iso3", "request_id", "assessment_id", "contact_id", "proposal_id", "project_id")


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def _names_a_state(route: str) -> bool:
    return any(f":{name}>" in route or "{" + name + "}" in route for name in STATE_OWNED)


def state_routes() -> list[tuple[str, URLPattern]]:
    return [
        (route, pattern)
        for route, pattern in _walk(get_resolver().url_patterns)
        if _names_a_state(route) and not route.startswith("api/")
    ]


def api_state_writes() -> list[tuple[str, str]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if not _names_a_state(path):
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


def owned_by(state_iso3: str, focal_point: User) -> dict[str, str]:
    """One of each thing a State owns, made by its own focal point; their URL parameters."""
    from equalfooting.contacts.services import contact_nominate
    from equalfooting.needs.services import assessment_save_draft
    from equalfooting.registry.models import State

    state = State.objects.get(iso3=state_iso3)
    request = factories.assistance_request(focal_point, state)
    assessment = assessment_save_draft(actor=focal_point, state=state, answers={}, targets={})
    contact = contact_nominate(
        actor=focal_point, state=state, kind="technical", name="N", email="n@example.org"
    )
    from equalfooting.fund.models import Project
    from equalfooting.fund.proposals import proposal_create

    proposal = proposal_create(
        actor=focal_point, state=state, title="T", summary="S", theme="policy", amount="10.00"
    )
    project = Project.objects.create(state=state, title="P")
    return {
        "iso3": state_iso3,
        "request_id": str(request.pk),
        "assessment_id": str(assessment.pk),
        "contact_id": str(contact.pk),
        "proposal_id": str(proposal.pk),
        "project_id": str(project.pk),
        # Not the State's, but some routes need one to resolve; read-only routes answer 405.
        "round_id": "1",
    }


def fill(route: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        route = route.replace(f"<str:{name}>", value).replace(f"<int:{name}>", value)
        route = route.replace("{" + name + "}", value)
    return route


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "pattern"), state_routes(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_foreign_focal_point_is_refused_on_every_web_write(
    client: Client, focal_point_ken: User, focal_point_fra: User, route: str, pattern: URLPattern
) -> None:
    url = "/" + fill(route, owned_by("FRA", focal_point_fra))
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
    client: Client, focal_point_ken: User, focal_point_fra: User, method: str, url: str
) -> None:
    foreign, own = owned_by("FRA", focal_point_fra), owned_by("KEN", focal_point_ken)
    _token, key = api_token_create(actor=focal_point_ken, name="t", scope=ApiToken.Scope.WRITE)
    before = AuditEntry.objects.count()
    response = client.generic(
        method,
        fill(url, foreign),
        BODY,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 403, response.content
    assert AuditEntry.objects.count() == before
    # The same request for the focal point's own State is not refused, so the 403 above is
    # the State check and not a broken route.
    mine = client.generic(
        method,
        fill(url, own),
        BODY,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert mine.status_code != 403
