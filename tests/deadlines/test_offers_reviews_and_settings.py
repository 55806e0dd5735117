"""Deadlines beyond matches: an offer's last day, a review's due date; their settings; the
scheduler's pass from the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from equalfooting.audit.models import AuditEntry
from equalfooting.cli import main
from equalfooting.deadlines.models import Deadline
from equalfooting.fund.models import Review
from equalfooting.jobs.schedule import tick
from equalfooting.notifications.models import Notification
from equalfooting.offers.models import Offer
from equalfooting.offers.services import offer_transition, offer_update
from tests import factories
from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_an_offer_ends_after_its_last_day_with_a_reminder_before(
    provider: Any, provider_rep: Any, secretariat: Any
) -> None:
    offer = factories.published_offer(provider_rep, provider, available_until="2027-06-30")
    deadline = Deadline.objects.get(kind=Deadline.Kind.OFFER_AVAILABILITY)
    assert deadline.due_at == dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    # Moving the last day moves the deadline (the old one is cancelled, audited).
    offer_update(actor=provider_rep, offer=offer, available_until="2027-07-31")
    deadline = Deadline.objects.get(kind=Deadline.Kind.OFFER_AVAILABILITY, status="open")
    assert deadline.due_at == dt.datetime(2027, 8, 1, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2027, 7, 29, 12, tzinfo=dt.UTC), tick=False) as clock:
        assert tick()["deadlines"] == {"lapses": 0, "reminders": 1}
        reminder = Notification.objects.get(kind=Notification.Kind.DEADLINE_REMINDER)
        assert reminder.recipient == provider_rep
        assert reminder.params["reference"] == offer.reference
        # On the last day it is still open; the day after, it is closed by the scheduler.
        clock.move_to(dt.datetime(2027, 7, 31, 23, 59, tzinfo=dt.UTC))
        assert tick()["deadlines"]["lapses"] == 0
        clock.move_to(dt.datetime(2027, 8, 1, 0, 1, tzinfo=dt.UTC))
        assert tick()["deadlines"]["lapses"] == 1
    offer.refresh_from_db()
    assert offer.status == Offer.Status.CLOSED
    entry = AuditEntry.objects.filter(action="offers.offer.closed").get()
    assert entry.actor == "system:scheduler"
    assert entry.payload is not None and entry.payload["cause"] == "availability ended"


@pytest.mark.django_db
def test_withdrawing_an_offer_cancels_its_deadline(provider: Any, provider_rep: Any) -> None:
    offer = factories.published_offer(provider_rep, provider)
    offer_transition(actor=provider_rep, offer=offer, target=Offer.Status.WITHDRAWN)
    assert Deadline.objects.get().status == Deadline.Status.CANCELLED


@pytest.mark.django_db
def test_an_overdue_review_is_reported_to_the_secretariat_and_stays_open(
    focal_point_ken: Any, state_ken: Any, officer: Any, reviewer: Any
) -> None:
    proposal = factories.proposal_under_review(
        focal_point_ken, state_ken, officer=officer, reviewers=[reviewer], title="Kenya CSIRT"
    )
    review = Review.objects.get()
    deadline = Deadline.objects.get(kind=Deadline.Kind.REVIEW)
    assert deadline.due_at - review.assigned_at < dt.timedelta(days=21, seconds=1)
    with time_machine.travel(deadline.due_at + dt.timedelta(minutes=1), tick=False):
        assert tick()["deadlines"]["lapses"] == 1
    told = set(
        Notification.objects.filter(kind=Notification.Kind.DEADLINE_LAPSED).values_list(
            "recipient", flat=True
        )
    )
    assert told == {reviewer.pk, officer.pk}
    # The reviewer's notice names the proposal's reference only: the review is blind.
    for notice in Notification.objects.filter(kind=Notification.Kind.DEADLINE_LAPSED):
        assert "Kenya" not in json.dumps(notice.params)
    review.refresh_from_db()
    assert review.status == Review.Status.ASSIGNED  # still open: it may yet be written
    # The Secretariat's work lists it, with the way to assign another reviewer.
    client = Client()
    factories.login_with_2fa(client, officer)
    page = client.get(reverse("core:my_work")).content.decode()
    assert "Review overdue" in page and proposal.reference in page


@pytest.mark.django_db
def test_equalfooting_tick_runs_one_pass_and_prints_it(
    capsys: pytest.CaptureFixture[str], match_proposed: Any
) -> None:
    published = match_proposed.round.published_at
    with time_machine.travel(published + dt.timedelta(days=21, minutes=1), tick=False):
        assert main(["tick"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert main(["tick"]) == 0
        second = json.loads(capsys.readouterr().out)
    assert first["deadlines"] == {"lapses": 1, "reminders": 0}
    assert second["deadlines"] == {"lapses": 0, "reminders": 0}


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("EF_MATCH_ANSWER_DAYS", "0"),
        ("EF_MATCH_CONFIRM_DAYS", "two weeks"),
        ("EF_REVIEW_DAYS", "-3"),
        ("EF_CONTACT_CHECK_DAYS", "1.5"),
        ("EF_REMINDER_DAYS", "7,,2"),
        ("EF_TICK_EVERY", "0"),
    ],
)
def test_a_bad_deadline_setting_stops_the_server_at_start_naming_it(
    tmp_path: Path, setting: str, value: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", "manage", "check"],
        cwd=ROOT,
        env=subprocess_env(EF_HOME=str(tmp_path), **{setting: value}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"{setting} must be" in done.stderr
    assert "Traceback" not in done.stderr
