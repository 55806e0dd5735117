"""One error contract (equalfooting/core/errors.py), answered the same way on every path.

Each test makes a real service refuse through a real route, then checks the answer: its
status code and that the refusal's own message reaches the reader. Pages answer in
`web.middleware.DomainErrorMiddleware` (and Django's 403/404 pages), the API in `api.main`.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from equalfooting.accounts.models import ApiToken, Role, User
from equalfooting.accounts.services import api_token_create, role_decide
from equalfooting.api.main import api
from equalfooting.contacts.models import PointOfContact
from equalfooting.contacts.services import contact_nominate
from equalfooting.core import errors
from equalfooting.core.errors import InvalidInput, MirrorReadOnly
from equalfooting.core.models import Installation
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.services import request_create
from equalfooting.registry.models import State, StateProfile
from equalfooting.registry.services import state_profile_update
from equalfooting.web.middleware import DomainErrorMiddleware
from tests import factories
from tests.factories import PASSWORD, VALID_REQUEST, login_with_2fa, totp_device

pytestmark = pytest.mark.django_db

NOT_ALLOWED = "You are not allowed to do this."
TWO_FACTOR = "This action needs two-factor authentication."
MIRROR = "This installation is a read-only mirror: nothing can be changed here."


def bearer(user: User) -> dict[str, str]:
    _token, key = api_token_create(actor=user, name="errors", scope=ApiToken.Scope.WRITE)
    return {"Authorization": f"Bearer {key}"}


def a_contact(focal_point: User, state: State) -> PointOfContact:
    return contact_nominate(
        actor=focal_point, state=state, kind="technical", name="Amina", email="amina@example.org"
    )


def make_mirror() -> None:
    Installation.objects.update_or_create(pk=1, defaults={"mirror_of": "https://example.org"})


# --- The API: JSON {"detail": ...} -------------------------------------------------------


def test_api_a_step_outside_the_transition_table_is_409(
    client: Client, focal_point_ken: User, state_ken: State
) -> None:
    draft = request_create(actor=focal_point_ken, state=state_ken, **VALID_REQUEST)
    response = client.post(
        f"/api/v1/requests/{draft.pk}/transition",
        {"target": AssistanceRequest.Status.COMPLETED},
        content_type="application/json",
        headers=bearer(focal_point_ken),
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "A request that is Draft cannot become Completed."
    assert AssistanceRequest.objects.get(pk=draft.pk).status == AssistanceRequest.Status.DRAFT


def test_api_invalid_input_is_422_and_names_each_field(
    client: Client, focal_point_ken: User
) -> None:
    response = client.post(
        "/api/v1/states/KEN/contacts",
        {"kind": "spy", "name": "", "email": "not-an-address"},
        content_type="application/json",
        headers=bearer(focal_point_ken),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "kind: Choose diplomatic or technical." in detail
    assert "name: Give the contact's name." in detail
    assert "email: Enter a valid e-mail address." in detail
    assert not PointOfContact.objects.exists()


def test_api_another_states_object_is_403(client: Client, focal_point_ken: User) -> None:
    response = client.put(
        "/api/v1/states/FRA/profile",
        {"summary": "not ours"},
        content_type="application/json",
        headers=bearer(focal_point_ken),
    )
    assert response.status_code == 403
    assert response.json()["detail"] == NOT_ALLOWED


def test_api_an_unknown_object_is_404(client: Client) -> None:
    response = client.get("/api/v1/states/NOP")
    assert response.status_code == 404
    assert "NOP" in response.json()["detail"]


def test_api_a_privileged_action_without_two_factor_is_403(
    client: Client, secretariat: User, focal_point_ken: User, state_ken: State
) -> None:
    # The token was made in a session that had not passed 2FA, so it stands for none.
    headers = bearer(secretariat)
    response = client.get("/api/v1/contacts", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == TWO_FACTOR
    response = client.post(
        "/api/v1/states/KEN/contacts",
        {"kind": "technical", "name": "Amina", "email": "amina@example.org"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403 and response.json()["detail"] == TWO_FACTOR
    assert not PointOfContact.objects.exists()


def test_api_a_write_to_a_mirror_is_403(client: Client, focal_point_ken: User) -> None:
    headers = bearer(focal_point_ken)
    make_mirror()
    response = client.put(
        "/api/v1/states/KEN/profile",
        {"summary": "changed"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    assert response.json()["detail"] == MIRROR


def test_api_maps_the_mirrors_own_refusal_too(focal_point_ken: User, state_ken: State) -> None:
    """Behind the middleware, the services refuse as well; the API answers that refusal 403.

    No request reaches a service on a mirror (the middleware answers first), so the refusal
    is taken from the service and handed to the API's one handler.
    """
    make_mirror()
    with pytest.raises(MirrorReadOnly) as caught:
        state_profile_update(actor=focal_point_ken, state=state_ken, summary="changed")
    response = api.on_exception(RequestFactory().put("/api/v1/states/KEN/profile"), caught.value)
    assert response.status_code == 403
    assert MIRROR in response.content.decode()


# --- Pages ---------------------------------------------------------------------------------


def test_page_a_step_outside_the_transition_table_is_409(
    client: Client, secretariat: User, officer: User, focal_point_ken: User, state_ken: State
) -> None:
    role = factories.nomination(
        by=focal_point_ken, email="nominee@example.org", kind=Role.Kind.FOCAL_POINT, state=state_ken
    )
    role_decide(actor=officer, role=role, status=Role.Status.REJECTED, reason="not confirmed")
    login_with_2fa(client, secretariat)
    response = client.post(
        f"/en/account/nominations/{role.pk}/decide/", {"decision": Role.Status.VERIFIED}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "A role that is Rejected cannot become Verified." in body
    assert ">Back</a>" in body
    assert Role.objects.get(pk=role.pk).status == Role.Status.REJECTED


def test_page_verifying_a_contact_twice_is_409(
    client: Client, secretariat: User, focal_point_ken: User, state_ken: State
) -> None:
    contact = a_contact(focal_point_ken, state_ken)
    login_with_2fa(client, secretariat)
    assert client.post(f"/en/contacts/{contact.pk}/verify/").status_code == 302
    response = client.post(f"/en/contacts/{contact.pk}/verify/")
    assert response.status_code == 409
    assert "Only a nominated contact can be verified." in response.content.decode()


def test_page_invalid_input_outside_a_form_is_422(focal_point_ken: User, state_ken: State) -> None:
    """Every page with a form shows a refusal on the form; one that reaches the middleware
    (input that came from no form) is answered 422 with each message and a way back."""
    with pytest.raises(InvalidInput) as caught:
        contact_nominate(actor=focal_point_ken, state=state_ken, kind="spy", email="x")
    request = RequestFactory().post("/en/states/KEN/contacts/nominate/")
    request.user = focal_point_ken
    middleware = DomainErrorMiddleware(lambda _request: HttpResponse())
    response = middleware.process_exception(request, caught.value)
    assert response is not None and response.status_code == 422
    body = response.content.decode()
    assert "Choose diplomatic or technical." in body and "Give the contact&#x27;s name." in body
    assert not PointOfContact.objects.exists()


def test_page_a_form_shows_invalid_input_on_its_field(
    client: Client, focal_point_ken: User, state_ken: State
) -> None:
    client.force_login(focal_point_ken)
    response = client.post(  # Kenya's focal point already holds the role it nominates for
        "/en/states/KEN/focal-points/nominate/",
        {"email": focal_point_ken.email, "focal_kind": Role.FocalKind.TECHNICAL},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This person already holds or awaits this role."
    ]


def test_page_another_states_object_is_403(client: Client, focal_point_ken: User) -> None:
    client.force_login(focal_point_ken)
    response = client.post("/en/states/FRA/profile/edit/", {"summary": "not ours"})
    assert response.status_code == 403
    assert NOT_ALLOWED in response.content.decode()
    assert not StateProfile.objects.filter(state__iso3="FRA").exists()


def test_page_an_unknown_object_is_404(client: Client) -> None:
    response = client.get("/en/states/NOP/")
    assert response.status_code == 404
    assert "No State has the ISO 3166 alpha-3 code “NOP”." in response.content.decode()
    response = client.get("/en/organisations/NOPE/")
    assert response.status_code == 404
    assert "NOPE" in response.content.decode()


def test_page_a_privileged_action_without_two_factor_asks_for_a_code(
    client: Client, secretariat: User, focal_point_ken: User, state_ken: State
) -> None:
    contact = a_contact(focal_point_ken, state_ken)
    totp_device(secretariat)
    client.post("/en/account/login/", {"username": "secretariat", "password": PASSWORD})
    response = client.post(f"/en/contacts/{contact.pk}/verify/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/en/account/2fa/verify/?next=%2Fen%2Fcontacts%2F{contact.pk}%2Fverify%2F"
    )
    assert PointOfContact.objects.get(pk=contact.pk).status == PointOfContact.Status.NOMINATED


def test_page_a_write_to_a_mirror_is_403(client: Client, focal_point_ken: User) -> None:
    client.force_login(focal_point_ken)
    make_mirror()
    response = client.post("/en/states/KEN/profile/edit/", {"summary": "changed"})
    assert response.status_code == 403
    assert MIRROR in response.content.decode()


def test_every_error_class_has_one_answer_in_the_api() -> None:
    """The API's handlers, looked up as ninja does, give each of the mechanism's errors its code."""
    expected = {
        errors.NotFound: 404,
        errors.NotAllowed: 403,
        errors.TwoFactorRequired: 403,
        errors.MirrorReadOnly: 403,
        errors.TransitionNotAllowed: 409,
        errors.InvalidFile: 422,
        errors.Unavailable: 503,
    }
    request = RequestFactory().get("/api/v1/")
    for cls, status in expected.items():
        response = api.on_exception(request, cls("why"))
        assert (response.status_code, "why" in response.content.decode()) == (status, True), cls
    invalid = api.on_exception(request, errors.InvalidInput({"title": "Give a title."}))
    assert invalid.status_code == 422 and "title: Give a title." in invalid.content.decode()
