"""The scheduler launches a contact check `EF_CONTACT_CHECK_EVERY_DAYS` after the last one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from equalfooting.audit.models import AuditEntry
from equalfooting.contacts.models import CheckRound, PointOfContact
from equalfooting.contacts.services import check_round_launch, contact_nominate, contact_verify
from equalfooting.jobs.schedule import tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(focal_point_ken: Any, state_ken: Any, officer: Any) -> PointOfContact:
    made = contact_nominate(
        actor=focal_point_ken,
        state=state_ken,
        kind=PointOfContact.Kind.TECHNICAL,
        name="Contact",
        email="poc@example.org",
    )
    return contact_verify(actor=officer, contact=made)


def test_nothing_is_scheduled_before_the_secretariat_launches_the_first(contact: Any) -> None:
    assert tick()["contact_checks"] == 0
    assert not CheckRound.objects.exists()


def test_a_check_is_launched_180_days_after_the_last_and_once(
    contact: Any, officer: Any, settings: Any
) -> None:
    assert settings.EF_CONTACT_CHECK_EVERY_DAYS == 180
    check_round_launch(actor=officer)
    first = CheckRound.objects.get()
    with time_machine.travel(first.launched_at + dt.timedelta(days=179), tick=False):
        assert tick()["contact_checks"] == 0
    with time_machine.travel(first.launched_at + dt.timedelta(days=180, minutes=1), tick=False):
        assert tick()["contact_checks"] == 1
        assert tick()["contact_checks"] == 0  # a second pass finds the new round
        second = CheckRound.objects.order_by("-launched_at").first()
        assert second is not None and second.launched_at == timezone.now()
    entry = AuditEntry.objects.filter(action="contacts.check.launch").order_by("-seq").first()
    assert entry is not None and entry.actor == "system:scheduler"
    assert second.checks.filter(contact=contact, sent_at__isnull=False).count() == 1
