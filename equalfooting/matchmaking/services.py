"""Writes to matchmaking: opening and publishing rounds, decisions on proposed matches."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from equalfooting import permissions
from equalfooting.accounts.selectors import focal_points_of, representatives_of
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadline_close, deadline_open
from equalfooting.domain import matching
from equalfooting.fund.models import PriorityEntry
from equalfooting.jobs.models import Job
from equalfooting.jobs.services import handler as job_handler
from equalfooting.jobs.services import handler_path, job_enqueue, job_writes
from equalfooting.needs import framework as fw
from equalfooting.needs import scoring
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.selectors import assessment_latest
from equalfooting.needs.services import request_advance
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify
from equalfooting.offers.models import Offer

from . import selectors, weights
from .models import Match, Round

# Requests that can still receive help in a round.
OPEN_STATUSES = (AssistanceRequest.Status.OPEN, AssistanceRequest.Status.PARTLY_MATCHED)


def _agreed_units(**filters: Any) -> int:
    return (
        Match.objects.filter(
            state_decision=Match.StateDecision.ACCEPTED,
            provider_decision=Match.ProviderDecision.CONFIRMED,
            **filters,
        ).aggregate(n=Sum("units"))["n"]
        or 0
    )


def _pending_units(**filters: Any) -> int:
    """Units proposed in published rounds whose match has not ended (declined or lapsed)."""
    return Match.objects.published().live().filter(**filters).aggregate(n=Sum("units"))["n"] or 0


def _public_gap(state: Any) -> float:
    latest = assessment_latest(state, public=True)
    if latest is None:
        return 0.0
    profile = scoring.profile(fw.load(latest.framework_version), latest.answers, latest.targets)
    return weights.gap_share(p.gap for p in profile)


def build_problem(*, fairness: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The round's input file from open requests and published offers, and the weights' basis.

    A pair declined or lapsed in an earlier round is listed in `exclusions` and never proposed
    again.
    """
    requests, basis = [], {}
    gaps: dict[int, float] = {}
    # The references of the requests and offers in the file, by id.
    request_refs: dict[int, str] = {}
    offer_refs: dict[int, str] = {}
    for r in (
        AssistanceRequest.objects.filter(status__in=OPEN_STATUSES)
        .select_related("state")
        .prefetch_related("state__groups")
        .order_by("pk")
    ):
        remaining = r.units - _pending_units(request=r)
        if remaining <= 0:
            continue
        if r.state_id not in gaps:
            gaps[r.state_id] = _public_gap(r.state)
        groups = sorted(g.code for g in r.state.groups.all())
        w = weights.weight(urgency=r.urgency, groups=groups, gap=gaps[r.state_id])
        item: dict[str, Any] = {
            "id": r.reference,
            "state": r.state.iso3,
            # Units are commensurable only within one unit (trainee places, expert days,
            # amounts), so the application writes the unit into the theme codes it publishes.
            "theme": f"{r.theme}:{r.unit}",
            "languages": r.languages,
            "modalities": r.modalities,
            "units": remaining,
            "weight": w,
        }
        if r.desired_start:
            item["start"] = r.desired_start.isoformat()
        if r.desired_end:
            item["end"] = r.desired_end.isoformat()
        requests.append(item)
        request_refs[r.pk] = r.reference
        basis[r.reference] = {"urgency": r.urgency, "groups": groups, "gap_share": gaps[r.state_id]}
    offers = []
    for o in Offer.objects.filter(status=Offer.Status.PUBLISHED).order_by("pk"):
        remaining = o.capacity - _pending_units(offer=o)
        if remaining <= 0:
            continue
        item = {
            "id": o.reference,
            "provider": str(o.provider_id),
            "themes": [f"{t}:{o.unit}" for t in o.themes],
            "languages": o.languages,
            "modalities": o.modalities,
            "capacity": remaining,
        }
        if o.available_from:
            item["start"] = o.available_from.isoformat()
        if o.available_until:
            item["end"] = o.available_until.isoformat()
        offers.append(item)
        offer_refs[o.pk] = o.reference
    # Pairs declined or lapsed in an earlier round, named as the file names its requests and offers.
    exclusions = [
        {"request": r, "offer": o}
        for r, o in sorted(
            (request_refs[request_id], offer_refs[offer_id])
            for request_id, offer_id in selectors.pairs_excluded()
            if request_id in request_refs and offer_id in offer_refs
        )
    ]
    problem = {
        "requests": requests,
        "offers": offers,
        "fairness": fairness,
        "exclusions": exclusions,
    }
    return problem, {**weights.PARAMETERS, "per_request": basis}


def _round_inputs(*, fairness: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if fairness not in matching.FAIRNESS:
        raise InvalidInput({"fairness": _("Choose a fairness setting.")})
    problem, parameters = build_problem(fairness=fairness)
    if not problem["requests"] or not problem["offers"]:
        raise InvalidInput(
            {"round": _("There must be at least one open request and one published offer.")}
        )
    return problem, parameters


def _pk(reference: str) -> int:
    """The number in a published reference (REQ-00012, OFF-00003)."""
    return int(reference.rsplit("-", 1)[1])


def round_open(*, actor: Any, fairness: str = "max-min-state") -> Job:
    """Open a round: check it can be run, then queue the job that solves it (`round_solve`).

    The solver runs in a worker, never in the web request; the job's page follows it and links
    to the round, a proposal to review, once it is written.
    """
    permissions.require(actor, "round.run")
    _round_inputs(fairness=fairness)
    return job_enqueue(actor=actor, work=round_solve, arguments={"fairness": fairness})


@job_handler(gettext_noop("Solving a matching round"))
def round_solve(*, actor: Any, job: Job, fairness: str) -> None:
    """The round's job, run by a worker (`system:worker`) for whoever opened the round.

    It reads and solves outside any transaction, then writes the round, its matches and its
    audit entry in one transaction at the end (`job_writes`). A worker killed mid-solve has
    written nothing; the try after its lease ran out solves again, and a try that finds the job
    already finished writes nothing: one round, one audit entry.
    """
    permissions.require(actor, "round.solve")
    problem, parameters = _round_inputs(fairness=fairness)
    solution = matching.solution_json(matching.solve(matching.parse_problem(problem)))
    with job_writes(job) as current:
        # The requests and offers as they are now: one withdrawn meanwhile fails the job.
        requests = {
            r.reference: r
            for r in AssistanceRequest.objects.select_for_update().filter(
                pk__in=[_pk(a["request"]) for a in solution["assignments"]]
            )
        }
        offers = {
            o.reference: o
            for o in Offer.objects.select_for_update().filter(
                pk__in=[_pk(a["offer"]) for a in solution["assignments"]]
            )
        }
        for a in solution["assignments"]:
            request, offer = requests.get(a["request"]), offers.get(a["offer"])
            if request is None or request.status not in OPEN_STATUSES:
                raise InvalidInput(
                    {
                        "round": _(
                            "Request %(reference)s changed while the round was solved: run the "
                            "round again."
                        )
                        % {"reference": a["request"]}
                    }
                )
            if offer is None or offer.status != Offer.Status.PUBLISHED:
                raise InvalidInput(
                    {
                        "round": _(
                            "Offer %(reference)s changed while the round was solved: run the "
                            "round again."
                        )
                        % {"reference": a["offer"]}
                    }
                )
        round_ = Round.objects.create(
            fairness=fairness,
            problem=problem,
            solution=solution,
            parameters=parameters,
            opened_by=current.requested_by,
        )
        for a in solution["assignments"]:
            Match.objects.create(
                round=round_,
                request=requests[a["request"]],
                offer=offers[a["offer"]],
                units=a["units"],
                explanation=solution["explanations"].get(a["request"], ""),
            )
        audit_append(
            actor=actor,
            action="matchmaking.round.open",
            object_type="round",
            object_id=str(round_.pk),
            state={
                "problem": problem,
                "solution": solution,
                "parameters": parameters,
                "opened_for": current.requested_by_label,
                "job": str(current.pk),
            },
            # A proposed round is not public until it is published.
            public=False,
        )
        current.outcome = {
            "type": "round",
            "id": round_.pk,
            "view": "matchmaking:round_detail",
            "kwargs": {"round_id": round_.pk},
        }


ROUND_SOLVE = handler_path(round_solve)


@transaction.atomic
def round_publish(*, actor: Any, round_: Round) -> Round:
    permissions.require(actor, "round.run")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.PROPOSED:
        raise TransitionNotAllowed(
            pgettext("matching round", "Only a proposed round can be published.")
        )
    round_.status, round_.published_at = Round.Status.PUBLISHED, timezone.now()
    round_.save()
    audit_append(
        actor=actor,
        action="matchmaking.round.publish",
        object_type="round",
        object_id=str(round_.pk),
        state={
            "status": round_.status,
            "matches": list(round_.matches.values_list("pk", flat=True)),
        },
        public=True,
    )
    for m in round_.matches.select_related("request", "offer"):
        deadline_open(
            actor=actor,
            kind=Deadline.Kind.MATCH_STATE_ANSWER,
            object_type="match",
            about=m,
            start=round_.published_at,
        )
        notify(
            kind=Notification.Kind.MATCH_PROPOSED,
            recipients=[
                *focal_points_of(state=m.request.state_id),
                *representatives_of(provider=m.offer.provider_id),
            ],
            about=m,
            context={"round": round_.pk, "units": m.units, **_match_refs(m)},
            link=match_path(m),
        )
    return round_


@transaction.atomic
def round_discard(*, actor: Any, round_: Round) -> Round:
    permissions.require(actor, "round.run")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.PROPOSED:
        raise TransitionNotAllowed(
            pgettext("matching round", "Only a proposed round can be discarded.")
        )
    round_.status = Round.Status.DISCARDED
    round_.save()
    audit_append(
        actor=actor,
        action="matchmaking.round.discard",
        object_type="round",
        object_id=str(round_.pk),
        state={"status": round_.status},
        public=False,
    )
    return round_


def match_snapshot(m: Match) -> dict[str, Any]:
    return {
        "round": m.round_id,
        "request": m.request.reference,
        "offer": m.offer.reference,
        "units": m.units,
        "state_decision": m.state_decision,
        "state_decline_reason": m.state_decline_reason,
        "state_note": m.state_note,
        "provider_decision": m.provider_decision,
        "decline_reason": m.decline_reason,
        "provider_note": m.provider_note,
        "delivery_started": m.delivery_started,
        "completed_by_state": m.completed_by_state,
        "completed_by_provider": m.completed_by_provider,
    }


def _match_refs(m: Match) -> dict[str, str]:
    """What a notice about a match names: the request and the offer, by reference."""
    return {"request": m.request.reference, "offer": m.offer.reference}


def match_path(m: Match) -> str:
    """Where a match is seen and answered: its row on the round's page."""
    return reverse("matchmaking:round_detail", kwargs={"round_id": m.round_id}) + f"#match-{m.pk}"


def _match_locked(match: Match) -> Match:
    found = (
        Match.objects.select_for_update(of=("self",))
        .select_related("round", "request__state", "offer")
        .get(pk=match.pk)
    )
    if found.round.status != Round.Status.PUBLISHED:
        raise TransitionNotAllowed(_("Decisions are taken on published rounds only."))
    return found


def _settle(match: Match) -> None:
    """After an agreement, move the request and the offer on as the mechanism's bookkeeping."""
    request, offer = match.request, match.offer
    agreed = _agreed_units(request=request)
    target = (
        AssistanceRequest.Status.MATCHED
        if agreed >= request.units
        else AssistanceRequest.Status.PARTLY_MATCHED
    )
    if request.status != target and request.status in OPEN_STATUSES:
        request_advance(request=request, target=target, cause=f"agreed in round {match.round_id}")
    # The offer's status as it is now, locked: the scheduler may be closing it at this moment.
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == Offer.Status.PUBLISHED and _agreed_units(offer=offer) >= offer.capacity:
        offer.status = Offer.Status.FULLY_BOOKED
        offer.save(update_fields=["status", "updated_at"])
        audit_append(
            actor="system:matchmaking",
            action="offers.offer.fully_booked",
            object_type="offer",
            object_id=str(offer.pk),
            state={"status": offer.status},
            public=True,
        )


def _lapsed() -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _(
            "The time to answer this match has passed: it lapsed and its units went back to "
            "the offer."
        )
    )


@transaction.atomic
def match_state_decide(
    *, actor: Any, match: Match, accept: bool, reason: str = "", note: str = ""
) -> Match:
    """The requesting State accepts, or declines with a reason category."""
    permissions.require(actor, "match.state_decide", match)
    match = _match_locked(match)
    if match.state_decision == Match.StateDecision.LAPSED:
        raise _lapsed()
    if match.state_decision != Match.StateDecision.PENDING:
        raise TransitionNotAllowed(_("The State has already decided on this match."))
    if match.provider_decision == Match.ProviderDecision.DECLINED:
        raise TransitionNotAllowed(
            _("The provider has declined this match, so it can no longer be accepted.")
        )
    if match.provider_decision == Match.ProviderDecision.LAPSED:
        raise TransitionNotAllowed(
            _("The provider did not answer this match in time, so it can no longer be accepted.")
        )
    if not accept and reason not in Match.StateDeclineReason.values:
        raise InvalidInput({"reason": _("Choose the reason for declining.")})
    match.state_decision = Match.StateDecision.ACCEPTED if accept else Match.StateDecision.DECLINED
    match.state_decline_reason = "" if accept else reason
    match.state_note = note.strip()
    if match.agreed:
        match.agreed_at = timezone.now()
    match.save()
    audit_append(
        actor=actor,
        action=f"matchmaking.match.state_{match.state_decision}",
        object_type="match",
        object_id=str(match.pk),
        state=match_snapshot(match),
        public=match.is_public,
    )
    deadline_close(
        actor=actor, kind=Deadline.Kind.MATCH_STATE_ANSWER, object_type="match", about=match
    )
    if accept and match.provider_decision == Match.ProviderDecision.PENDING:
        # The provider now has its own time to answer, counted from the acceptance.
        deadline_open(
            actor=actor,
            kind=Deadline.Kind.MATCH_PROVIDER_CONFIRM,
            object_type="match",
            about=match,
        )
    notify(
        kind=Notification.Kind.MATCH_STATE_ANSWERED,
        recipients=representatives_of(provider=match.offer.provider_id),
        about=match,
        context={"accepted": accept, **_match_refs(match)},
        link=match_path(match),
    )
    if match.agreed:
        _settle(match)
    return match


@transaction.atomic
def match_provider_decide(
    *, actor: Any, match: Match, confirm: bool, reason: str = "", note: str = ""
) -> Match:
    """The provider confirms, or declines with a reason category.

    A decline for a legal restriction sends the request to the fund's priority queue, so no
    State goes without help because of a measure outside its control.
    """
    permissions.require(actor, "match.provider_decide", match)
    match = _match_locked(match)
    if match.provider_decision == Match.ProviderDecision.LAPSED:
        raise _lapsed()
    if match.provider_decision != Match.ProviderDecision.PENDING:
        raise TransitionNotAllowed(_("The provider has already decided on this match."))
    if match.state_decision == Match.StateDecision.DECLINED:
        raise TransitionNotAllowed(
            _("The State has declined this match, so it can no longer be confirmed.")
        )
    if match.state_decision == Match.StateDecision.LAPSED:
        raise TransitionNotAllowed(
            _("The State did not answer this match in time, so it can no longer be confirmed.")
        )
    if not confirm and reason not in Match.DeclineReason.values:
        raise InvalidInput({"reason": _("Choose the reason for declining.")})
    match.provider_decision = (
        Match.ProviderDecision.CONFIRMED if confirm else Match.ProviderDecision.DECLINED
    )
    match.decline_reason = "" if confirm else reason
    match.provider_note = note.strip()
    if match.agreed:
        match.agreed_at = timezone.now()
    match.save()
    audit_append(
        actor=actor,
        action=f"matchmaking.match.provider_{match.provider_decision}",
        object_type="match",
        object_id=str(match.pk),
        state=match_snapshot(match),
        public=match.is_public,
    )
    deadline_close(
        actor=actor, kind=Deadline.Kind.MATCH_PROVIDER_CONFIRM, object_type="match", about=match
    )
    if not confirm:
        # Declined: the State need no longer answer.
        deadline_close(
            actor=actor,
            kind=Deadline.Kind.MATCH_STATE_ANSWER,
            object_type="match",
            about=match,
            met=False,
        )
    notify(
        kind=Notification.Kind.MATCH_PROVIDER_ANSWERED,
        recipients=focal_points_of(state=match.request.state_id),
        about=match,
        context={"confirmed": confirm, **_match_refs(match)},
        link=match_path(match),
    )
    if not confirm and reason == Match.DeclineReason.LEGAL_RESTRICTION:
        entry = PriorityEntry.objects.create(request=match.request, match=match, units=match.units)
        audit_append(
            actor=actor,
            action="fund.priority.enqueue",
            object_type="priority_entry",
            object_id=str(entry.pk),
            state={"request": match.request.reference, "match": match.pk, "units": match.units},
            # The fund's priority list is public.
            public=True,
        )
    if match.agreed:
        _settle(match)
    return match


@transaction.atomic
def match_report(*, actor: Any, match: Match, event: str) -> Match:
    """Delivery reported by either side: the provider starts it; both report completion."""
    as_provider = permissions.can(actor, "match.provider_decide", match)
    as_state = permissions.can(actor, "match.state_decide", match)
    if not (as_provider or as_state):
        raise NotAllowed(_("You are not allowed to do this."))
    match = _match_locked(match)
    if not match.agreed:
        raise TransitionNotAllowed(_("Only an agreed match can be delivered."))
    if event == Match.DeliveryEvent.STARTED and as_provider:
        match.delivery_started = True
    elif event == Match.DeliveryEvent.COMPLETED:
        if as_state:
            match.completed_by_state = True
        if as_provider:
            match.completed_by_provider = True
    else:
        raise InvalidInput({"event": _("Unknown delivery event.")})
    match.save()
    audit_append(
        actor=actor,
        action=f"matchmaking.match.{event}",
        object_type="match",
        object_id=str(match.pk),
        state=match_snapshot(match),
        public=match.is_public,
    )
    request = match.request
    if event == Match.DeliveryEvent.STARTED and request.status in (
        AssistanceRequest.Status.MATCHED,
        AssistanceRequest.Status.PARTLY_MATCHED,
    ):
        request_advance(
            request=request,
            target=AssistanceRequest.Status.IN_DELIVERY,
            cause=f"delivery of match {match.pk} started",
        )
    agreed = [m for m in request.matches.all() if m.agreed]
    if (
        request.status == AssistanceRequest.Status.IN_DELIVERY
        and agreed
        and all(m.completed_by_state and m.completed_by_provider for m in agreed)
    ):
        request_advance(
            request=request,
            target=AssistanceRequest.Status.COMPLETED,
            cause="completion reported by both sides",
        )
    return match
