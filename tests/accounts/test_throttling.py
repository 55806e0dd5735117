"""Sign-in throttling that an attacker cannot turn against a user, and rate-limited resets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from equalfooting.accounts.models import User
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
RESET = "/en/account/password-reset/"
PROXY = "10.0.0.1"


@pytest.fixture
def behind_one_proxy(settings: Any) -> None:
    settings.EF_PROXY_COUNT = 1


def sign_in(client: Client, user: User, password: str, *, forwarded: str | None) -> int:
    data = {"username": user.username, "password": password}
    if forwarded is None:
        return client.post(LOGIN, data, REMOTE_ADDR=PROXY).status_code
    return client.post(
        LOGIN, data, REMOTE_ADDR=PROXY, headers={"x-forwarded-for": forwarded}
    ).status_code


def locked(client: Client, user: User, *, forwarded: str | None) -> bool:
    # Axes answers a locked-out attempt with 429, whatever the password.
    return sign_in(client, user, PASSWORD, forwarded=forwarded) == 429


def test_behind_a_proxy_wrong_passwords_from_one_address_never_lock_out_another(
    behind_one_proxy: None, focal_point_ken: User
) -> None:
    attacker, owner = Client(), Client()
    for _ in range(5):
        sign_in(attacker, focal_point_ken, "wrong", forwarded="203.0.113.5")
    assert locked(attacker, focal_point_ken, forwarded="203.0.113.5")
    # The person at another address signs in as usual (a redirect onward, not the lock page).
    assert sign_in(owner, focal_point_ken, PASSWORD, forwarded="198.51.100.7") == 302


def test_a_client_cannot_escape_the_lock_by_forging_the_forwarded_header(
    behind_one_proxy: None, focal_point_ken: User
) -> None:
    attacker = Client()
    # The proxy appends the address it saw; what the client wrote before it is not trusted.
    for n in range(5):
        sign_in(attacker, focal_point_ken, "wrong", forwarded=f"1.2.3.{n}, 203.0.113.5")
    assert locked(attacker, focal_point_ken, forwarded="9.9.9.9, 203.0.113.5")


def test_without_a_proxy_the_forwarded_header_is_ignored(focal_point_ken: User) -> None:
    attacker = Client()
    for n in range(5):
        sign_in(attacker, focal_point_ken, "wrong", forwarded=f"1.2.3.{n}")
    assert locked(attacker, focal_point_ken, forwarded="5.6.7.8")


def test_reset_emails_are_limited_per_account(client: Client) -> None:
    user = factories.user("amina")
    answers = [client.post(RESET, {"email": user.email}).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    assert "Too many requests" in client.post(RESET, {"email": user.email}).content.decode()


def test_reset_emails_are_limited_per_address_whatever_the_account(client: Client) -> None:
    answers = [
        client.post(RESET, {"email": f"someone{n}@example.org"}).status_code for n in range(11)
    ]
    assert answers == [302] * 10 + [429]
    # Another address is not held back by this one.
    other = client.post(RESET, {"email": "late@example.org"}, REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 302
