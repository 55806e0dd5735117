"""Sponsorship of delegates, so that developing States take part in the mechanism's meetings
on an equal footing: the Secretariat opens a call for an event with a budget moved from the
fund, focal points apply for their delegates, and the published rule (`domain.sponsorship`)
decides who is sponsored, from a file anyone can re-run.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.core.numbers import money
from equalfooting.core.validation import limit
from equalfooting.domain import sponsorship as rule
from equalfooting.fund import ledger
from equalfooting.fund.allocation_rounds import need_score
from equalfooting.fund.models import LedgerTransaction
from equalfooting.registry.models import State

from .events import local_time
from .models import Event, SponsorshipApplication, SponsorshipCall

# The groups whose States come first (the rule's priority tier).
PRIORITY_GROUPS = frozenset({"LDC", "LLDC", "SIDS"})
# A State applies for at most this many delegates to one call.
MOST_APPLICATIONS = 5
Application = SponsorshipApplication


def _amount(raw: Any, field: str, *, most: Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0 or value != value.quantize(rule.CENT):
        raise InvalidInput({field: [_("Give an amount above zero, in cents at most.")]})
    if value > most:
        raise InvalidInput({field: [_("The amount is larger than this call allows.")]})
    return value


def _audit_call(actor: Any, call: SponsorshipCall, action: str) -> None:
    audit_append(
        actor=actor,
        action=f"programmes.sponsorship.{action}",
        object_type="sponsorship_call",
        object_id=str(call.pk),
        state={
            "event": call.event_id,
            "budget": f"{call.budget:.2f}",
            "closes_at": call.closes_at.isoformat(),
            "status": call.status,
            # The published file and its decisions: keys only, never a State or a name.
            "selection_input": call.selection_input,
            "selection_result": call.selection_result,
        },
        public=True,
    )


@transaction.atomic
def call_open(*, actor: Any, event: Event, budget: Any, closes_at: Any) -> SponsorshipCall:
    """Open a call to sponsor delegates to a published event: its budget leaves the fund's
    available money for the call's own account, in the same transaction."""
    permissions.require(actor, "sponsorship.manage", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    errors: dict[str, list[str]] = {}
    if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        errors["event"] = [_("Only a published event still to come can take a call.")]
    if SponsorshipCall.objects.filter(event=event).exists():
        errors["event"] = [_("This event already has a sponsorship call.")]
    amount = _amount(budget, "budget", most=Decimal(10) ** 12)
    # Entered on the event's own clock, as its times are.
    closes = local_time(closes_at, zoneinfo.ZoneInfo(event.time_zone), "closes_at", errors)
    if closes is None and "closes_at" not in errors:
        errors["closes_at"] = [_("Give when applications close.")]
    elif closes is not None and not timezone.now() < closes <= event.starts_at:
        errors["closes_at"] = [_("Applications must close after now and before the event.")]
    if errors:
        raise InvalidInput(errors)
    call = SponsorshipCall.objects.create(
        event=event, budget=amount, closes_at=closes, opened_by=permissions.person(actor)
    )
    try:
        ledger.post(
            kind=LedgerTransaction.Kind.SPONSORSHIP,
            source=ledger.AVAILABLE,
            target=call.account,
            amount=amount,
            actor=actor,
            memo=f"Sponsorship of delegates to {event.reference}",
            reference=event.reference,
        )
    except ledger.InsufficientFunds as exc:
        raise InvalidInput(
            {
                "budget": [
                    _("The fund holds %(available)s available.") % {"available": money(exc.balance)}
                ]
            }
        ) from None
    _audit_call(actor, call, "opened")
    return call


def _applying(call: SponsorshipCall, now: dt.datetime | None = None) -> None:
    if not call.is_open or (now or timezone.now()) >= call.closes_at:
        raise InvalidInput({"call": [_("Applications to this call are closed.")]})


def _audit_application(actor: Any, application: Application) -> None:
    audit_append(
        actor=actor,
        action=f"programmes.sponsorship_application.{application.status}",
        object_type="sponsorship_application",
        object_id=str(application.pk),
        state={
            "call": application.call_id,
            "state": application.state_id,
            "delegate": application.delegate,
            "gender": application.gender,
            "rank": application.rank,
            "cost": f"{application.cost:.2f}",
            "status": application.status,
            "reason": application.reason,
        },
        public=False,  # a delegate's name and gender are their State's and the Secretariat's
    )


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    call: SponsorshipCall,
    state: State,
    delegate: str,
    gender: str,
    rank: Any,
    cost: Any,
) -> Application:
    """A focal point applies for one of their State's delegates."""
    permissions.require(actor, "sponsorship.apply", state)
    call = SponsorshipCall.objects.select_for_update().get(pk=call.pk)
    _applying(call)
    errors: dict[str, list[str]] = {}
    delegate = str(delegate or "").strip()
    if not delegate:
        errors["delegate"] = [_("Give the delegate's name.")]
    elif len(delegate) > limit(Application, "delegate"):
        errors["delegate"] = [_("The name is too long.")]
    if gender not in Application.Gender.values:
        errors["gender"] = [_("Choose one of the list.")]
    submitted = Application.objects.filter(
        call=call, state=state, status=Application.Status.SUBMITTED
    )
    try:
        place = int(rank)
    except (TypeError, ValueError):
        place = 0
    if not 1 <= place <= MOST_APPLICATIONS:
        errors["rank"] = [
            _("Give the delegate's place among your State's, from 1 to %(most)s.")
            % {"most": MOST_APPLICATIONS}
        ]
    elif submitted.filter(rank=place).exists():
        errors["rank"] = [_("Another of your State's delegates has this place.")]
    if submitted.count() >= MOST_APPLICATIONS:
        errors["delegate"] = [
            _("A State applies for at most %(most)s delegates.") % {"most": MOST_APPLICATIONS}
        ]
    try:
        amount = _amount(cost, "cost", most=call.budget)
    except InvalidInput as exc:
        errors.update(exc.message_dict)
    if errors:
        raise InvalidInput(errors)
    application = Application.objects.create(
        call=call,
        state=state,
        delegate=delegate,
        gender=gender,
        rank=place,
        cost=amount,
        submitted_by=permissions.person(actor),
    )
    _audit_application(actor, application)
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application) -> Application:
    permissions.require(actor, "sponsorship.apply", application.state)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _applying(application.call)
    if not application.is_submitted:
        raise TransitionNotAllowed(_("This application cannot be withdrawn."))
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _audit_application(actor, application)
    return application


def selection_file(
    applications: list[Application], budget: Decimal, *, shuffle: random.Random
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The published file (opaque keys, drawn at random) and what each key stands for."""
    states = sorted({a.state_id: a.state for a in applications}.values(), key=lambda s: s.iso3)
    state_keys = [f"S{n:03d}" for n in range(1, len(states) + 1)]
    shuffle.shuffle(state_keys)
    key_of_state = dict(zip([s.pk for s in states], state_keys, strict=True))
    tier = {s.pk: bool(PRIORITY_GROUPS & {g.code for g in s.groups.all()}) for s in states}
    need = {s.pk: need_score(s)[0] for s in states}
    application_keys = [f"A{n:04d}" for n in range(1, len(applications) + 1)]
    shuffle.shuffle(application_keys)
    rows: list[dict[str, Any]] = []
    keys: dict[str, Any] = {"states": {}, "applications": {}}
    for application, key in zip(applications, application_keys, strict=True):
        rows.append(
            {
                "key": key,
                "state": key_of_state[application.state_id],
                "priority": tier[application.state_id],
                "need": str(need[application.state_id]),
                "rank": application.rank,
                "gender": application.gender,
                "cost": f"{application.cost:.2f}",
            }
        )
        keys["applications"][key] = application.pk
    for state in states:
        keys["states"][key_of_state[state.pk]] = state.iso3
    rows.sort(key=lambda r: str(r["key"]))
    return {
        "method": "equalfooting-sponsorship-1",
        "budget": f"{budget:.2f}",
        "applicants": rows,
    }, keys


@transaction.atomic
def call_select(
    *, actor: Any, call: SponsorshipCall, now: dt.datetime | None = None
) -> SponsorshipCall:
    """Apply the published rule once applications have closed: write the file and its
    decisions, mark each application, and return the unspent budget to the fund."""
    permissions.require(actor, "sponsorship.manage", call.event)
    call = SponsorshipCall.objects.select_for_update().select_related("event").get(pk=call.pk)
    if not call.is_open:
        raise TransitionNotAllowed(_("The places of this call are already decided."))
    if (now or timezone.now()) < call.closes_at:
        raise InvalidInput({"call": [_("Applications are still open: decide once they close.")]})
    applications = list(
        call.applications.filter(status=Application.Status.SUBMITTED)
        .select_related("state")
        .prefetch_related("state__groups")
    )
    published, keys = selection_file(applications, call.budget, shuffle=random.SystemRandom())
    result = rule.result_json(*rule.parse(published))
    decisions = {d["key"]: d for d in result["decisions"]}
    for key, application_id in keys["applications"].items():
        decision = decisions[key]
        Application.objects.filter(pk=application_id).update(
            status=Application.Status.SELECTED
            if decision["sponsored"]
            else Application.Status.NOT_SELECTED,
            reason=decision["reason"],
            updated_at=timezone.now(),
        )
    call.selection_input, call.selection_result, call.keys = published, result, keys
    call.status = SponsorshipCall.Status.SELECTED
    call.selected_at = timezone.now()
    call.save()
    left = Decimal(result["left"])
    if left > 0:
        ledger.post(
            kind=LedgerTransaction.Kind.SPONSORSHIP,
            source=call.account,
            target=ledger.AVAILABLE,
            amount=left,
            actor=actor,
            memo=f"Unspent sponsorship budget of {call.event.reference} returned",
            reference=call.event.reference,
        )
    _audit_call(actor, call, call.status)
    for application in Application.objects.filter(pk__in=keys["applications"].values()):
        _audit_application(actor, application)
    # Which State each key stands for: kept, and proven, but not published.
    audit_append(
        actor=actor,
        action="programmes.sponsorship.keys",
        object_type="sponsorship_call",
        object_id=str(call.pk),
        state={"keys": keys},
    )
    return call


def aggregates(call: SponsorshipCall) -> dict[str, Any]:
    """What the public sees of a decided call: places and money by tier, gender and region."""
    chosen = list(
        call.applications.filter(status=Application.Status.SELECTED).select_related("state__region")
    )
    result = call.selection_result or {}
    priority = {r["key"]: r["priority"] for r in (call.selection_input or {}).get("applicants", [])}
    by_key = {v: k for k, v in call.keys.get("applications", {}).items()}
    return {
        "applicants": len((call.selection_input or {}).get("applicants", [])),
        "places": len(chosen),
        "states": len({a.state_id for a in chosen}),
        "spent": result.get("spent"),
        "priority_places": sum(1 for a in chosen if priority.get(by_key.get(a.pk, ""))),
        "by_gender": [
            (Application.Gender(g).label, n)
            for g, n in sorted(Counter(a.gender for a in chosen).items())
        ],
        "by_region": sorted(Counter(a.state.region.name for a in chosen).items()),
    }
