from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import translation

from equalfooting.accounts.models import User
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider
from equalfooting.registry.models import State
from equalfooting.registry.services import reference_data_load
from tests import factories


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


@pytest.fixture(autouse=True)
def cache_emptied() -> None:
    """Each test starts with an empty cache: a page kept by an earlier test, whose data were
    rolled back, could carry the same audit head as this test's different data."""
    # Imported here: Django is set up by pytest-django before fixtures run.
    from django.core.cache import caches

    for name in ("default", "pages"):
        caches[name].clear()


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings: Any) -> None:
    """A job runs when it is queued (django-tasks' immediate backend), as if a worker took it at
    once, so tests see its result. Tests of the workers themselves use the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def language_reset() -> Any:
    """Each test starts in the default language: a page asked for in another language
    activates it for the rest of the thread (LocaleMiddleware), which must not reach the next
    test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def state_ken() -> State:
    return State.objects.get(iso3="KEN")


@pytest.fixture
def state_fra() -> State:
    return State.objects.get(iso3="FRA")


@pytest.fixture
def focal_point_ken(state_ken: State) -> User:
    return factories.focal_point(state_ken, "fp-ken")


@pytest.fixture
def focal_point_fra(state_fra: State) -> User:
    return factories.focal_point(state_fra, "fp-fra")


@pytest.fixture
def secretariat() -> User:
    """A Secretariat officer who has not passed two-factor authentication."""
    return factories.secretariat("secretariat")


@pytest.fixture
def officer(secretariat: User) -> User:
    """The same Secretariat officer, having passed 2FA with a real TOTP code."""
    return factories.passed_two_factor(secretariat)


@pytest.fixture
def reviewer() -> User:
    """An appointed reviewer who has passed 2FA with a real TOTP code."""
    return factories.passed_two_factor(factories.reviewer("reviewer-1"))


@pytest.fixture
def provider(officer: User) -> Provider:
    return factories.provider(officer=officer, name="Test Academy")


@pytest.fixture
def provider_rep(provider: Provider) -> User:
    return factories.provider_representative(provider, "provider-rep")


@pytest.fixture
def match_proposed(
    focal_point_ken: Any,
    officer: Any,
    provider: Provider,
    provider_rep: Any,
    django_capture_on_commit_callbacks: Any,
) -> Match:
    """A published round proposing one match of a Kenyan request with the provider's offer;
    the e-mails of the steps before the round are cleared."""
    with django_capture_on_commit_callbacks(execute=True):
        factories.assistance_request(
            focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
        )
        factories.published_offer(provider_rep, provider)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        factories.published_round(officer)
    return Match.objects.select_related("request", "offer", "round").get()
