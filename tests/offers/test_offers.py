from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting.accounts.models import ApiToken
from equalfooting.accounts.services import api_token_create
from equalfooting.audit.models import AuditEntry
from equalfooting.offers.forms import OfferForm
from equalfooting.offers.models import Offer, Provider
from equalfooting.offers.services import offer_create, offer_transition
from tests import factories
from tests.factories import VALID_OFFER

pytestmark = pytest.mark.django_db


def test_a_provider_representative_creates_and_publishes(
    provider: Provider, provider_rep: Any
) -> None:
    offer = offer_create(actor=provider_rep, provider=provider, **VALID_OFFER)
    assert offer.status == "draft"
    offer_transition(actor=provider_rep, offer=offer, target="published")
    assert Offer.objects.get(pk=offer.pk).status == "published"
    entries = AuditEntry.objects.filter(object_type="offer", object_id=str(offer.pk))
    assert list(entries.order_by("seq").values_list("action", flat=True)) == [
        "offers.offer.create",
        "offers.offer.published",
        # VALID_OFFER has a last day: publishing starts the countdown to it
        "deadlines.deadline.open",
    ]


def test_another_providers_representative_cannot(
    provider: Provider, focal_point_ken: Any, officer: Any
) -> None:
    other = factories.provider_representative(
        factories.provider(officer=officer, name="Other", kind=Provider.Kind.INDUSTRY), "other-rep"
    )
    for actor in (other, focal_point_ken):
        with pytest.raises(PermissionDenied):
            offer_create(actor=actor, provider=provider, **VALID_OFFER)


def test_the_offer_form_has_no_way_to_name_or_exclude_a_state() -> None:
    form = OfferForm()
    assert set(form.fields) == {
        "title",
        "themes",
        "kind",
        "capacity",
        "unit",
        "languages",
        "modalities",
        "available_from",
        "available_until",
        "description",
        "principles",
    }
    assert not {f.name for f in Offer._meta.get_fields()} & {
        "states",
        "excluded_states",
        "eligible_states",
        "regions",
    }


def test_the_api_refuses_an_exclusion_field(
    client: Client, provider: Provider, provider_rep: Any
) -> None:
    _token, key = api_token_create(actor=provider_rep, name="t", scope=ApiToken.Scope.WRITE)
    response = client.post(
        f"/api/v1/providers/{provider.pk}/offers",
        {**VALID_OFFER, "excluded_states": ["FRA"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert "excluded_states" in response.content.decode()
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Open to all except France.", "France"),
        ("Not available to members of the African Union.", "African Union"),
        ("Pour tous, sauf la République islamique d'Iran.", "Iran (Islamic Republic of)"),
        ("Для всех, кроме Российской Федерации.", "Russian Federation"),
        ("لا يشمل لفرنسا", "France"),
        ("不向中国提供", "China"),
        ("Not for the United States.", "United States of America"),
    ],
)
def test_free_text_is_no_loophole_for_eligibility(
    provider: Provider, provider_rep: Any, text: str, named: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        offer_create(actor=provider_rep, provider=provider, **{**VALID_OFFER, "description": text})
    assert named in " ".join(caught.value.message_dict["description"])
    assert not Offer.objects.exists()


def test_ordinary_words_are_not_mistaken_for_states(provider: Provider, provider_rep: Any) -> None:
    text = "We can help any State; a woman-led team; per diem covered; and more."
    offer = offer_create(
        actor=provider_rep, provider=provider, **{**VALID_OFFER, "description": text}
    )
    assert offer.description == text


def test_the_form_names_a_state_in_the_description(
    client: Client, provider: Provider, provider_rep: Any
) -> None:
    client.force_login(provider_rep)
    data = {**VALID_OFFER, "description": "Except Kenya", "principles": []}
    response = client.post(f"/en/providers/{provider.pk}/offers/new/", data)
    assert response.status_code == 422
    assert "Kenya" in " ".join(response.context["form"].errors["description"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"themes": ["astrology"]}, "themes"),
        ({"themes": []}, "themes"),
        ({"languages": ["klingon"]}, "languages"),
        ({"capacity": -5}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"available_from": "2027-12-31", "available_until": "2027-01-01"}, "available_until"),
        ({"kind": "gift"}, "kind"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    provider: Provider, provider_rep: Any, change: dict[str, Any], field: str
) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        offer_create(actor=provider_rep, provider=provider, **{**VALID_OFFER, **change})
    assert field in caught.value.message_dict
    assert not Offer.objects.exists() and AuditEntry.objects.count() == before


def test_the_offer_workflow(client: Client, provider: Provider, provider_rep: Any) -> None:
    from equalfooting.core.errors import TransitionNotAllowed

    offer = offer_create(actor=provider_rep, provider=provider, **VALID_OFFER)
    with pytest.raises(TransitionNotAllowed):
        offer_transition(actor=provider_rep, offer=offer, target="fully_booked")
    offer_transition(actor=provider_rep, offer=offer, target="published")
    offer_transition(actor=provider_rep, offer=offer, target="closed")
    with pytest.raises(TransitionNotAllowed):
        offer_transition(actor=provider_rep, offer=offer, target="published")
    _token, key = api_token_create(actor=provider_rep, name="t", scope=ApiToken.Scope.WRITE)
    response = client.post(
        f"/api/v1/offers/{offer.pk}/transition",
        {"target": "published"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 409


def test_drafts_are_not_public(client: Client, provider: Provider, provider_rep: Any) -> None:
    offer = offer_create(actor=provider_rep, provider=provider, **VALID_OFFER)
    assert client.get(f"/en/offers/{offer.pk}/").status_code == 404
    assert client.get("/api/v1/offers").json() == []
    offer_transition(actor=provider_rep, offer=offer, target="published")
    assert client.get(f"/en/offers/{offer.pk}/").status_code == 200
    assert [o["id"] for o in client.get("/api/v1/offers").json()] == [offer.pk]


def test_the_secretariat_registers_a_provider_and_its_representative(
    client: Client, secretariat: Any
) -> None:
    factories.login_with_2fa(client, secretariat)
    response = client.post("/en/providers/new/", {"name": "New Institute", "kind": "academia"})
    provider = Provider.objects.get(name="New Institute")
    assert response.status_code == 302
    duplicate = client.post("/en/providers/new/", {"name": "new institute", "kind": "academia"})
    assert duplicate.status_code == 422 and "name" in duplicate.context["form"].errors
    client.post(
        f"/en/providers/{provider.pk}/representatives/nominate/", {"email": "rep@example.org"}
    )
    from equalfooting.accounts.models import Role

    role = Role.objects.get(user__email="rep@example.org", kind="provider", provider=provider)
    assert role.status == "nominated"
    client.post(f"/en/account/nominations/{role.pk}/decide/", {"decision": "verified"})
    rep = Role.objects.get(pk=role.pk).user
    offer = offer_create(actor=rep, provider=provider, **VALID_OFFER)
    assert offer.provider == provider


def test_others_cannot_register_providers(
    client: Client, focal_point_ken: Any, provider_rep: Any
) -> None:
    for user in (focal_point_ken, provider_rep):
        client.force_login(user)
        assert (
            client.post("/en/providers/new/", {"name": "X", "kind": "academia"}).status_code == 403
        )
    assert not Provider.objects.filter(name="X").exists()
