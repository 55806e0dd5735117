"""A proposed match on a frozen clock, from its publication to its lapse and the next round.

The State's focal point reads in Arabic; the provider's representative in English. Nobody
answers: the reminders come 7 and 2 days before the deadline and never twice; on day 21 the
match lapses, its units go back to the offer, the lapse is audited and counted on the public
decline statistics, and the next round proposes the request with another offer, never again
with this one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from equalfooting.accounts.services import user_language_set
from equalfooting.audit.models import AuditEntry
from equalfooting.deadlines.models import Deadline
from equalfooting.jobs.schedule import tick
from equalfooting.matchmaking import services as matchmaking
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.services import request_transition
from equalfooting.notifications.models import Notification
from tests import factories
from tests.notifications.conftest import bodies, sent_to

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _reminders_to(user: Any) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, kind=Notification.Kind.DEADLINE_REMINDER)
    )


def test_a_match_nobody_answers_is_reminded_twice_then_lapses_and_is_never_proposed_again(
    focal_point_ken: Any,
    officer: Any,
    provider: Any,
    provider_rep: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user_language_set(actor=focal_point_ken, language="ar")
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            request = factories.assistance_request(
                focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer, units=4
            )
            offer = factories.published_offer(provider_rep, provider, capacity=10)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            round_ = factories.published_round(officer)
        match = Match.objects.get(round=round_)
        assert (match.request_id, match.offer_id) == (request.pk, offer.pk)
        deadline = Deadline.objects.get(kind=Deadline.Kind.MATCH_STATE_ANSWER)
        assert deadline.due_at == START + dt.timedelta(days=21)

        # The focal point finds the match in the inbox, and an e-mail in Arabic links to it.
        inbox = Client()
        inbox.force_login(focal_point_ken)
        with translation.override("ar"):
            page = inbox.get(reverse("notifications:inbox"))
        assert request.reference in page.content.decode()
        (email,) = sent_to(focal_point_ken.email)
        assert ARABIC.search(email.subject)
        link = re.search(re.escape(settings.EF_BASE_URL) + r"(/ar/\S+?)(?=[\s\"<])", bodies(email))
        assert link is not None
        opened = inbox.get(link.group(1))
        assert opened.status_code == 200
        assert f'id="match-{match.pk}"' in opened.content.decode()
        # The provider is told too, in English.
        (told,) = sent_to(provider_rep.email)
        assert offer.reference in told.subject

        # Day 13: nothing yet. Day 14, seven days before: one reminder each, never twice.
        for day, expected in ((13, 0), (14, 1), (14, 1), (18, 1), (19, 2), (20, 2)):
            clock.move_to(START + dt.timedelta(days=day, minutes=1))
            with django_capture_on_commit_callbacks(execute=True):
                tick()
                tick()  # a second pass, as a second worker would run: sends nothing more
            assert len(_reminders_to(focal_point_ken)) == expected, day
        # The provider is not asked to act before the State has: no reminder to it.
        assert _reminders_to(provider_rep) == []
        reminders = [m for m in sent_to(focal_point_ken.email) if m is not email]
        assert len(reminders) == 2
        assert all(ARABIC.search(m.subject) for m in reminders)

        # Day 21: the match lapses, once.
        clock.move_to(START + dt.timedelta(days=21, seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert tick()["deadlines"] == {"lapses": 1, "reminders": 0}
            assert tick()["deadlines"] == {"lapses": 0, "reminders": 0}
        match.refresh_from_db()
        assert match.state_decision == Match.StateDecision.LAPSED
        deadline.refresh_from_db()
        assert deadline.status == Deadline.Status.LAPSED
        assert (
            AuditEntry.objects.filter(
                action="matchmaking.match.state_lapsed", object_id=str(match.pk)
            ).count()
            == 1
        )
        assert AuditEntry.objects.filter(action="deadlines.deadline.lapsed").count() == 1
        # Both sides are told.
        for person in (focal_point_ken, provider_rep):
            assert Notification.objects.filter(
                recipient=person, kind=Notification.Kind.DEADLINE_LAPSED
            ).exists()
        # The units went back to the offer: the next round's file offers all ten again.
        problem, _basis = matchmaking.build_problem(fairness="none")
        assert [o["capacity"] for o in problem["offers"] if o["id"] == offer.reference] == [10]
        # Counted on the public decline statistics, as a lapse on the State's side.
        with translation.override("en"):
            figures = Client().get(reverse("matchmaking:declines")).content.decode()
        assert "The State did not answer in time</td><td>1<" in figures
        # An answer now is refused, in every language.
        with pytest.raises(matchmaking.TransitionNotAllowed):
            matchmaking.match_state_decide(actor=focal_point_ken, match=match, accept=True)

        # The next round: the lapsed pair is excluded; another offer is proposed instead.
        other = factories.published_offer(provider_rep, provider, title="Second course")
        with django_capture_on_commit_callbacks(execute=True):
            next_round = factories.published_round(officer)
        assert next_round.problem["exclusions"] == [
            {"request": request.reference, "offer": offer.reference}
        ]
        pairs = set(next_round.matches.values_list("request_id", "offer_id"))
        assert pairs == {(request.pk, other.pk)}


def test_an_answer_in_time_closes_the_deadline_and_the_provider_then_has_its_own(
    match_proposed: Match, focal_point_ken: Any, provider_rep: Any
) -> None:
    published = match_proposed.round.published_at
    assert published is not None
    with time_machine.travel(published + dt.timedelta(days=20), tick=False) as clock:
        matchmaking.match_state_decide(actor=focal_point_ken, match=match_proposed, accept=True)
        state, provider_side = (
            Deadline.objects.get(kind=Deadline.Kind.MATCH_STATE_ANSWER),
            Deadline.objects.get(kind=Deadline.Kind.MATCH_PROVIDER_CONFIRM),
        )
        assert state.status == Deadline.Status.MET
        assert provider_side.due_at == published + dt.timedelta(days=34)
        # Past the State's deadline nothing lapses: it was met.
        clock.move_to(published + dt.timedelta(days=22))
        assert tick()["deadlines"]["lapses"] == 0
        # The provider does not answer in 14 days: its side lapses, and the State cannot be
        # held to a match the provider never confirmed.
        clock.move_to(published + dt.timedelta(days=34, seconds=1))
        assert tick()["deadlines"]["lapses"] == 1
        match_proposed.refresh_from_db()
        assert match_proposed.state_decision == Match.StateDecision.ACCEPTED
        assert match_proposed.provider_decision == Match.ProviderDecision.LAPSED
        assert not match_proposed.agreed
        with pytest.raises(matchmaking.TransitionNotAllowed, match="passed"):
            matchmaking.match_provider_decide(
                actor=provider_rep, match=match_proposed, confirm=True
            )


def test_a_provider_decline_cancels_the_states_deadline(
    match_proposed: Match, provider_rep: Any
) -> None:
    matchmaking.match_provider_decide(
        actor=provider_rep, match=match_proposed, confirm=False, reason="dates"
    )
    deadline = Deadline.objects.get(kind=Deadline.Kind.MATCH_STATE_ANSWER)
    assert deadline.status == Deadline.Status.CANCELLED
    published = match_proposed.round.published_at
    assert published is not None
    with time_machine.travel(published + dt.timedelta(days=30), tick=False):
        assert tick()["deadlines"] == {"lapses": 0, "reminders": 0}
    match_proposed.refresh_from_db()
    assert match_proposed.state_decision == Match.StateDecision.PENDING


def test_a_withdrawn_request_ends_its_matches_deadlines_without_a_lapse(
    match_proposed: Match, focal_point_ken: Any
) -> None:
    request_transition(
        actor=focal_point_ken,
        request=match_proposed.request,
        target=AssistanceRequest.Status.WITHDRAWN,
        reason="Met by national means.",
    )
    answer = Deadline.objects.get(kind=Deadline.Kind.MATCH_STATE_ANSWER)
    assert answer.status == Deadline.Status.CANCELLED
    published = match_proposed.round.published_at
    assert published is not None
    with time_machine.travel(published + dt.timedelta(days=30), tick=False):
        assert tick()["deadlines"] == {"lapses": 0, "reminders": 0}
    match_proposed.refresh_from_db()
    assert match_proposed.state_decision == Match.StateDecision.PENDING  # not counted as lapsed
