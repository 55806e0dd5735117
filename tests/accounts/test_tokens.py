"""API tokens expire, have a scope, end when the credentials change, are listed with their
last use, and are refused — never ignored — where they do not open the API (issue 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.accounts.models import ApiToken, User
from equalfooting.accounts.services import api_token_create
from equalfooting.core.errors import InvalidInput
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.services import request_create
from equalfooting.registry.models import State
from tests import factories
from tests.factories import VALID_REQUEST

pytestmark = pytest.mark.django_db

WRITE = ApiToken.Scope.WRITE


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def create_request(client: Client, key: str) -> int:
    return client.post(
        "/api/v1/states/KEN/requests",
        VALID_REQUEST,
        content_type="application/json",
        headers=bearer(key),
    ).status_code


def test_a_token_lives_90_days_and_30_for_the_privileged_roles(focal_point_ken: User) -> None:
    token, _key = api_token_create(actor=focal_point_ken, name="t")
    assert token.expires_at - timezone.now() > timedelta(days=89, hours=23)
    assert token.scope == ApiToken.Scope.READ  # reading only, unless asked
    officer = factories.officer()
    short, _key = api_token_create(actor=officer, name="t")
    assert timedelta(days=29) < short.expires_at - timezone.now() <= timedelta(days=30)
    with pytest.raises(InvalidInput) as refused:
        api_token_create(actor=officer, name="t", days=31)
    assert set(refused.value.message_dict) == {"days"}
    with pytest.raises(InvalidInput) as refused:
        api_token_create(actor=officer, name="t", scope="admin")
    assert set(refused.value.message_dict) == {"scope"}


def test_a_read_token_reads_as_its_owner_and_may_not_write(
    client: Client, focal_point_ken: User, state_ken: State
) -> None:
    draft = request_create(actor=focal_point_ken, state=state_ken, **VALID_REQUEST)
    _token, key = api_token_create(actor=focal_point_ken, name="reader")
    # A draft is the State's own: the token reads it as the focal point; nobody else can.
    assert client.get(f"/api/v1/requests/{draft.pk}", headers=bearer(key)).status_code == 200
    assert client.get(f"/api/v1/requests/{draft.pk}").status_code == 404
    before = AssistanceRequest.objects.count()
    response = client.post(
        "/api/v1/states/KEN/requests",
        VALID_REQUEST,
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 403 and "only read" in response.json()["detail"]
    assert AssistanceRequest.objects.count() == before


@pytest.mark.parametrize("path", ["/api/v1/states", "/api/v1/requests", "/api/v1/figures"])
@pytest.mark.parametrize("header", ["Bearer ef_unknown", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_a_token_that_opens_nothing_is_refused_on_a_public_route(
    client: Client, path: str, header: str
) -> None:
    assert client.get(path).status_code == 200
    assert client.get(path, headers={"Authorization": header}).status_code == 401


def test_an_expired_token_is_refused(client: Client, focal_point_ken: User) -> None:
    token, key = api_token_create(actor=focal_point_ken, name="t", scope=WRITE)
    assert create_request(client, key) == 201
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert create_request(client, key) == 401
    assert client.get("/api/v1/requests", headers=bearer(key)).status_code == 401


def test_a_new_password_ends_every_token(client: Client, focal_point_ken: User) -> None:
    _token, key = api_token_create(actor=focal_point_ken, name="t", scope=WRITE)
    focal_point_ken.set_password("another-long-password-2")
    focal_point_ken.save()
    assert create_request(client, key) == 401


def test_a_changed_second_factor_ends_every_token(client: Client) -> None:
    officer = factories.officer()
    _token, key = api_token_create(actor=officer, name="t", scope=WRITE)
    assert client.get("/api/v1/requests", headers=bearer(key)).status_code == 200
    TOTPDevice.objects.filter(user=officer).delete()
    factories.totp_device(officer)  # enrolled again, with a new key
    assert client.get("/api/v1/requests", headers=bearer(key)).status_code == 401


def test_tokens_are_listed_with_scope_expiry_last_use_and_standing(
    client: Client, focal_point_ken: User
) -> None:
    used, key = api_token_create(actor=focal_point_ken, name="used one", scope=WRITE)
    client.get("/api/v1/requests", headers=bearer(key))
    old, _key = api_token_create(actor=focal_point_ken, name="old one")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(focal_point_ken)
    page = client.get("/en/account/").content.decode()
    assert "used one" in page and "Read and write" in page and "Expired" in page
    used.refresh_from_db()
    assert used.last_used_at is not None
    assert "Never" in page  # the old one was never used


@pytest.mark.django_db(transaction=True)
def test_a_token_is_made_from_the_account_page_outside_any_test_transaction(
    client: Client,
) -> None:
    """The service makes its own transaction: a page that calls it works in production, where
    no test wraps the request in one (the audit append refuses to run outside one)."""
    person = factories.focal_point("KEN")
    client.force_login(person)
    response = client.post(
        "/en/account/tokens/new/", {"name": "from the page", "scope": "write", "days": 30}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="from the page")
    assert token.scope == ApiToken.Scope.WRITE
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
