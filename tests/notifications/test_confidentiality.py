"""An e-mail never tells its reader more than they may see on the site.

Every confidential field holds a marker: the self-assessment's answers, a draft request's text,
the notes on match decisions, the review's comments, the reasons given; the reviewer's
identity is marked for everyone but the reviewer, and the proposal's State (its name, in the
title) for the reviewer. A scenario then causes every kind of notice, and every e-mail sent
and every inbox row is searched for the markers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from equalfooting.accounts.models import Role
from equalfooting.accounts.services import role_decide, two_factor_reset, user_language_set
from equalfooting.contacts.models import PointOfContact
from equalfooting.contacts.services import check_round_launch, contact_nominate, contact_verify
from equalfooting.fund import proposals
from equalfooting.fund.models import Review
from equalfooting.fund.services import project_disburse
from equalfooting.jobs.schedule import tick
from equalfooting.matchmaking import services as matchmaking
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.notifications import rendering
from equalfooting.notifications.models import Notification
from equalfooting.programmes import events
from equalfooting.programmes.models import Event
from tests import factories
from tests.notifications.conftest import bodies

pytestmark = pytest.mark.django_db

SECRET = "ZZSECRET"  # confidential to everyone the e-mails go to
IDENTITY = "zzreviewer"  # the reviewer's identity: never told to a State
STATE_TITLE = "ZZKENYATITLE"  # in the proposal's title, with the State's name: not for reviewers


def test_no_email_and_no_inbox_row_tells_more_than_the_site(
    focal_point_ken: Any,
    state_ken: Any,
    officer: Any,
    provider: Any,
    provider_rep: Any,
    funded_kenya: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user_language_set(actor=focal_point_ken, language="fr")
    reviewer = factories.passed_two_factor(factories.reviewer(IDENTITY))
    reviewer.first_name, reviewer.last_name = IDENTITY.title(), "Reviewer"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        # Nominations decided: verified, refused, and a verified role revoked (with reasons).
        for email, status in (("a@example.org", "verified"), ("b@example.org", "rejected")):
            role = factories.nomination(by=officer, email=email, kind=Role.Kind.REVIEWER)
            role_decide(actor=officer, role=role, status=status, reason=f"because {SECRET}")
        revoked = factories.nomination(by=officer, email="c@example.org", kind=Role.Kind.REVIEWER)
        role_decide(actor=officer, role=revoked, status=Role.Status.VERIFIED)
        role_decide(actor=officer, role=revoked, status=Role.Status.REVOKED, reason=SECRET)
        # The State's private self-assessment and a draft request.
        factories.submitted_assessment(focal_point_ken, state_ken, note=SECRET)
        factories.assistance_request(
            focal_point_ken, title=f"Draft {SECRET}", description=f"Draft text {SECRET}"
        )
        # A request screened and published, another closed; a match proposed and answered.
        factories.assistance_request(
            focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
        )
        factories.assistance_request(
            focal_point_ken,
            status=AssistanceRequest.Status.CLOSED_UNMET,
            officer=officer,
            reason=SECRET,
            description=f"Closed {SECRET}",
        )
        factories.published_offer(provider_rep, provider, description=f"Offer {SECRET}")
        factories.published_round(officer)
        match = Match.objects.get()
        matchmaking.match_state_decide(actor=focal_point_ken, match=match, accept=True, note=SECRET)
        matchmaking.match_provider_decide(
            actor=provider_rep, match=match, confirm=True, note=SECRET
        )
        # A proposal reviewed blind, determined, and a tranche paid.
        proposal = proposals.proposal_create(
            actor=focal_point_ken,
            state=state_ken,
            title=f"Kenya {STATE_TITLE}",
            summary=f"The Republic of Kenya asks. {SECRET}",
            theme="incident",
            amount="30000.00",
        )
        proposal = proposals.proposal_transition(
            actor=focal_point_ken, proposal=proposal, target="submitted"
        )
        proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
        proposals.review_submit(
            actor=reviewer,
            review=Review.objects.get(),
            recommendation="approve",
            comments=SECRET,
            scores={
                "relevance": 5,
                "feasibility": 4,
                "sustainability": 4,
                "value": 3,
                "principles": 5,
            },
        )
        proposal = proposals.proposal_determine(
            actor=officer, proposal=proposal, decision="approved", reason=f"Scores. {SECRET}"
        )
        assert proposal.project is not None
        project_disburse(actor=officer, project=proposal.project, amount="10000.00", memo=SECRET)
        # A request returned for information, for a confidential reason.
        factories.assistance_request(
            focal_point_ken,
            status=AssistanceRequest.Status.RETURNED,
            officer=officer,
            reason=SECRET,
            title="Returned",
            description=f"Returned {SECRET}",
        )
        # A contact check of Kenya's verified contact (the focal points are told it waits).
        contact = contact_nominate(
            actor=focal_point_ken,
            state=state_ken,
            kind=PointOfContact.Kind.TECHNICAL,
            name="Contact",
            email="poc@example.org",
        )
        contact_verify(actor=officer, contact=contact)
        check_round_launch(actor=officer)
        # A second match nobody answers: reminded, then lapsed; the contact check lapses too.
        factories.assistance_request(
            focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer, title="Second"
        )
        factories.published_round(officer)
        with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False) as clock:
            tick()
            clock.move_to(timezone.now() + dt.timedelta(days=7))
            tick()
        # A second factor reset: a security notice, whose reason stays with the Secretariat.
        two_factor_reset(actor=officer, user=reviewer, reason=SECRET)
        # An event Kenya's focal point registered for, then cancelled.
        event = events.event_save(
            actor=officer,
            title="Plenary session",
            kind=Event.Kind.PLENARY,
            time_zone="UTC",
            starts_at="2099-01-01T10:00",
            ends_at="2099-01-01T12:00",
            attendance=Event.Attendance.ONLINE,
            takes_registration=True,
        )
        events.event_transition(actor=officer, event=event, target=Event.Status.PUBLISHED)
        events.registration_create(actor=focal_point_ken, event=event)
        events.event_transition(actor=officer, event=event, target=Event.Status.CANCELLED)

    # Every kind of notice was caused, and e-mailed.
    assert set(Notification.objects.values_list("kind", flat=True)) == set(Notification.Kind.values)
    assert (
        not Notification.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__email="")
        .exists()
    )
    assert len(mail.outbox) >= len(Notification.Kind.values)

    for message in mail.outbox:
        seen = bodies(message)
        assert SECRET not in seen, message.subject
        if reviewer.email not in message.to:
            assert IDENTITY not in seen.lower(), message.subject
        else:
            for trace in ("Kenya", "KEN", STATE_TITLE, "Kenia", "كينيا"):
                assert trace not in seen, message.subject
    for row in Notification.objects.select_related("recipient"):
        title = rendering.title(
            kind=row.kind, params=row.params, link=row.link, language=row.recipient.language
        )
        seen = f"{row.params} {row.link} {row.object_type} {row.object_id} {title}"
        assert SECRET not in seen
        if row.recipient_id != reviewer.pk:
            assert IDENTITY not in seen.lower()
        else:
            assert "Kenya" not in seen and STATE_TITLE not in seen
