"""Links in e-mails use the installation's real address, EF_BASE_URL, and only a valid one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation

from equalfooting.accounts.models import Role
from equalfooting.contacts.services import check_round_launch, contact_nominate, contact_verify
from tests import factories
from tests.conftest import subprocess_env

BASE = "https://ef.example.org:8443"


@pytest.mark.parametrize(
    "value",
    [
        "ftp://ef.example.org",
        "ef.example.org",
        "https://",
        "https://ef.example.org/sub",
        "http://h:x",
    ],
)
def test_the_server_refuses_to_start_on_an_address_that_is_not_http(
    tmp_path: Path, value: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", "manage", "check"],
        env=subprocess_env(EF_BASE_URL=value, EF_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "EF_BASE_URL" in result.stderr


@pytest.mark.django_db
@override_settings(EF_BASE_URL=BASE)
def test_the_nomination_email_links_to_the_installation(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        factories.nomination(by=officer, email="nominee@example.org", kind=Role.Kind.REVIEWER)
    (welcome,) = mail.outbox
    assert f"{BASE}/en/account/password-reset/" in welcome.body
    assert "http://localhost" not in welcome.body


@pytest.mark.django_db
@override_settings(EF_BASE_URL=BASE)
def test_the_password_reset_email_links_to_the_installation(client: Client) -> None:
    factories.user("forgetful")
    client.post("/fr/account/password-reset/", {"email": "forgetful@example.org"})
    (message,) = mail.outbox
    assert f"{BASE}/fr/account/password-reset/" in message.body


@pytest.mark.django_db
@override_settings(EF_BASE_URL=BASE)
def test_the_contact_check_email_links_to_the_installation(
    client: Client,
    focal_point_ken: Any,
    state_ken: Any,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    contact = contact_nominate(
        actor=focal_point_ken, state=state_ken, kind="technical", name="W", email="w@example.org"
    )
    contact_verify(actor=officer, contact=contact)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        check_round_launch(actor=officer)
    # The contact's own e-mail (the focal point is told of the check too).
    (message,) = [m for m in mail.outbox if m.to == ["w@example.org"]]
    assert f"{BASE}/en/contact-check/" in message.body
