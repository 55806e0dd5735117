from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.accounts.models import Role, User
from equalfooting.registry.models import State
from equalfooting.registry.services import reference_data_load

PASSWORD = "a-long-test-password-1"


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment for running `equalfooting` as a user would: its own database and
    settings, none of the test session's (the browser tests relax Django's async guard)."""
    drop = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the packaged reference data once into the test database, committed."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        reference_data_load(actor="system:test")


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests empty the database when they end; put the reference data back."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    if not State.objects.exists():
        reference_data_load(actor="system:test")


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def make_user(username: str, **extra: object) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    return user


def grant(user: User, kind: str, **binding: object) -> Role:
    defaults = {"focal_kind": "diplomatic"} if kind == Role.Kind.FOCAL_POINT else {}
    return Role.objects.create(
        user=user, kind=kind, status=Role.Status.VERIFIED, **defaults, **binding
    )


@pytest.fixture
def state_ken() -> State:
    return State.objects.get(iso3="KEN")


@pytest.fixture
def state_fra() -> State:
    return State.objects.get(iso3="FRA")


@pytest.fixture
def focal_point_ken(state_ken: State) -> User:
    user = make_user("fp-ken")
    grant(user, Role.Kind.FOCAL_POINT, state=state_ken)
    return user


@pytest.fixture
def focal_point_fra(state_fra: State) -> User:
    user = make_user("fp-fra")
    grant(user, Role.Kind.FOCAL_POINT, state=state_fra)
    return user


@pytest.fixture
def secretariat() -> User:
    user = make_user("secretariat")
    grant(user, Role.Kind.SECRETARIAT)
    return user


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def login_with_2fa(client: Client, user: User) -> None:
    """Sign in with password and a real TOTP code, as a person would."""
    device = totp_device(user)
    response = client.post("/en/account/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/en/account/2fa/verify/", {"token": current_code(device)})
    assert response.status_code == 302, response.content


@pytest.fixture
def provider() -> Any:
    from equalfooting.offers.models import Provider

    return Provider.objects.create(name="Test Academy", kind="academia")


@pytest.fixture
def provider_rep(provider: Any) -> Any:
    user = make_user("provider-rep")
    grant(user, "provider", provider=provider)
    return user
