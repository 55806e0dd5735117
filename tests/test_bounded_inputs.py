"""Every input bounded, at every door: each bad value gets a refusal naming its field, and
nothing is written (issue 11). The command line's doors are in tests/cli/test_bad_input.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from equalfooting.accounts.models import ApiToken, User
from equalfooting.accounts.services import api_token_create
from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidInput
from equalfooting.domain.matching import MAX_UNITS
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.services import request_create
from equalfooting.offers.models import Offer, Provider
from equalfooting.registry.models import State
from tests.factories import VALID_OFFER, VALID_REQUEST

pytestmark = pytest.mark.django_db

# (field, value, words the refusal must hold)
BAD_REQUESTS = [
    ("title", "t" * 201, "at most 200 characters"),
    ("title", "NUL \x00 inside", "control characters"),
    ("title", "start of heading \x01", "control characters"),
    ("title", "two\nlines", "line breaks"),
    ("description", "d" * 2001, "at most 2000 characters"),
    ("description", "bell \x07", "control characters"),
    ("units", 2**31, "must not exceed"),
    ("units", 2**40, "must not exceed"),
    ("units", "9" * 5000, "must not exceed"),
    ("units", -1, "greater than zero"),
]


def bearer(user: User) -> dict[str, str]:
    _token, key = api_token_create(actor=user, name="bounds", scope=ApiToken.Scope.WRITE)
    return {"Authorization": f"Bearer {key}"}


def written() -> tuple[int, int]:
    return AssistanceRequest.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(("field", "value", "words"), BAD_REQUESTS)
def test_the_service_refuses_and_names_the_field(
    focal_point_ken: User, state_ken: State, field: str, value: Any, words: str
) -> None:
    before = written()
    with pytest.raises(InvalidInput) as refused:
        request_create(actor=focal_point_ken, state=state_ken, **{**VALID_REQUEST, field: value})
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert written() == before


@pytest.mark.parametrize(("field", "value", "words"), BAD_REQUESTS)
def test_the_api_refuses_with_422_naming_the_field(
    client: Client, focal_point_ken: User, field: str, value: Any, words: str
) -> None:
    headers = bearer(focal_point_ken)
    before = written()
    response = client.post(
        "/api/v1/states/KEN/requests",
        {**VALID_REQUEST, field: value},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])
    assert written() == before


def test_the_form_refuses_a_control_character_and_names_the_field(
    client: Client, focal_point_ken: User
) -> None:
    client.force_login(focal_point_ken)
    before = written()
    form = {
        **{k: v for k, v in VALID_REQUEST.items() if k not in ("principles", "gaps")},
        "title": "Bad \x01 title",
        "principles": ["demand_driven", "universal"],
    }
    response = client.post("/en/states/KEN/requests/new/", form)
    assert response.status_code == 422
    assert "control characters" in response.content.decode()
    assert written() == before


def test_an_offer_beyond_the_largest_capacity_is_refused(
    client: Client, provider: Provider, provider_rep: User
) -> None:
    before = Offer.objects.count()
    response = client.post(
        f"/api/v1/providers/{provider.pk}/offers",
        {**VALID_OFFER, "capacity": MAX_UNITS + 1},
        content_type="application/json",
        headers=bearer(provider_rep),
    )
    assert response.status_code == 422
    assert "capacity" in str(response.json()["detail"])
    assert Offer.objects.count() == before


@pytest.mark.parametrize(
    "query",
    ["offset=3e19", "offset=-1", "limit=0", "limit=100000", "offset=99999999999999999999"],
)
def test_paging_parameters_are_bounded(client: Client, query: str) -> None:
    response = client.get(f"/api/v1/states?{query}")
    assert response.status_code == 422


def test_the_guard_catches_what_a_door_forgot(focal_point_ken: User, state_ken: State) -> None:
    draft = request_create(actor=focal_point_ken, state=state_ken, **VALID_REQUEST)
    draft.title = "written around the service \x00"
    with pytest.raises(InvalidInput) as refused:
        draft.save()
    assert set(refused.value.message_dict) == {"title"}
    assert AssistanceRequest.objects.get(pk=draft.pk).title == VALID_REQUEST["title"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/events", "/api/v1/requests", "/api/v1/search", "/en/search/", "/en/register/"],
)
def test_a_query_with_a_control_character_is_refused_naming_the_parameter(
    client: Client, path: str
) -> None:
    # PostgreSQL cannot hold a NUL even to compare it: refused before any view runs.
    response = client.get(path, {"theme": "a\x00b", "q": "fine"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "theme" in text and "control characters" in text
    assert client.get(path, {"theme": "incident"}).status_code == 200
