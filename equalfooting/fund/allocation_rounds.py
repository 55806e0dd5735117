"""Allocation rounds in the application: inputs assembled with their sources, keys that hide
names from the formula, review, publication into State envelopes, and verification."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.core.numbers import money
from equalfooting.domain import allocation
from equalfooting.needs.models import Assessment
from equalfooting.registry.models import State

from . import indicators, ledger, wording
from .models import Allocation, AllocationRound, LedgerTransaction

POPULATION = "SP.POP.TOTL"
GNI_PER_CAPITA = "NY.GNP.PCAP.CD"
NEED = "EF.NEED"
NEUTRAL_NEED = Decimal("0.5")


def need_score(state: State) -> tuple[Decimal, dict[str, Any]]:
    """Need from the State's latest shared or public self-assessment: the mean distance of its
    indicators from the top stage, 0 to 1. Targets are not used: a State sets its own."""
    latest = (
        Assessment.objects.filter(
            state=state,
            status=Assessment.Status.SUBMITTED,
            visibility__in=[Assessment.Visibility.PROVIDERS, Assessment.Visibility.PUBLIC],
        )
        .order_by("-version")
        .first()
    )
    if latest is not None:
        stages = [a["stage"] for a in latest.answers.values() if a.get("stage")]
        if stages:
            need = (Decimal(5) - Decimal(sum(stages)) / len(stages)) / 4
            return need.quantize(Decimal("0.0001")), {
                "kind": "assessment",
                "version": latest.version,
            }
    imported = indicators.latest(state, NEED)
    if imported is not None:
        return min(max(imported.value, Decimal(0)), Decimal(1)), {
            "kind": "indicator",
            "source": imported.source,
            "year": imported.year,
            "synthetic": imported.is_synthetic,
        }
    return NEUTRAL_NEED, {"kind": "neutral", "value": str(NEUTRAL_NEED)}


@transaction.atomic
def _envelope_within_available(envelope: Any) -> None:
    try:
        wanted = Decimal(str(envelope))
    except (InvalidOperation, ValueError):
        return  # not a number: the formula's own check names the field
    available = ledger.balance(ledger.AVAILABLE)
    if wanted > available:
        raise InvalidInput(
            {
                "envelope": _(
                    "The envelope %(envelope)s is more than the %(available)s the fund holds "
                    "available."
                )
                % {"envelope": money(wanted), "available": money(available)}
            }
        )


def round_prepare(
    *,
    actor: Any,
    envelope: Any,
    base_share: Any,
    alpha: Any,
    beta: Any,
    gamma: Any,
    floors: dict[str, Any],
    cap_share: Any,
) -> AllocationRound:
    """Assemble inputs from the indicators, hide names behind keys, and run the formula.

    An envelope larger than the money the fund holds available is refused before anything is
    computed: such a round could never be published. The formula runs outside any
    transaction (no solver holds the database's write lock); the round and its audit entry
    are then written together.
    """
    permissions.require(actor, "fund.manage")
    _envelope_within_available(envelope)
    entries: list[dict[str, Any]] = []
    keys: dict[str, str] = {}
    # Where each input came from, as data (`fund.wording.source` words it for each reader).
    sources: dict[str, dict[str, Any]] = {}
    excluded: dict[str, str] = {}
    states = list(State.objects.prefetch_related("groups").order_by("iso3"))
    # Keys are drawn at random so that neither the order nor the key says who a State is.
    codes = [f"S{n:03d}" for n in range(1, len(states) + 1)]
    random.SystemRandom().shuffle(codes)
    for state, key in zip(states, codes, strict=True):
        population = indicators.latest(state, POPULATION)
        gni = indicators.latest(state, GNI_PER_CAPITA)
        if population is None or gni is None or population.value <= 0 or gni.value <= 0:
            excluded[state.iso3] = "no_population_or_gni"  # worded by fund.wording
            continue
        need, need_source = need_score(state)
        entries.append(
            {
                "key": key,
                "need": str(need),
                "size": str((population.value / 1_000_000).quantize(Decimal("0.000001"))),
                "gni_per_capita": str(gni.value),
                "groups": sorted(g.code for g in state.groups.all()),
            }
        )
        keys[key] = state.iso3
        sources[key] = {
            "need": need_source,
            "size": {
                "kind": "population",
                "source": population.source,
                "year": population.year,
                "synthetic": population.is_synthetic,
            },
            "gni_per_capita": {
                "kind": "indicator",
                "source": gni.source,
                "year": gni.year,
                "synthetic": gni.is_synthetic,
            },
        }
    entries.sort(key=lambda e: str(e["key"]))
    inputs = {
        "envelope": str(envelope),
        "base_share": str(base_share),
        "alpha": str(alpha),
        "beta": str(beta),
        "gamma": str(gamma),
        "floors": {k: str(v) for k, v in floors.items()},
        "cap_share": str(cap_share),
        "states": entries,
    }
    try:
        result = allocation.result_json(allocation.allocate(allocation.parse_inputs(inputs)))
    except allocation.AllocationError as exc:
        raise InvalidInput({exc.where.split()[0].split(".")[0]: wording.refusal(exc)}) from None
    with transaction.atomic():
        round_ = AllocationRound.objects.create(
            inputs=inputs,
            result=result,
            keys=keys,
            sources={"per_key": sources, "excluded": excluded},
            opened_by=permissions.person(actor),
        )
        audit_append(
            actor=actor,
            action="fund.allocation.prepare",
            object_type="allocation_round",
            object_id=str(round_.pk),
            state={"inputs": inputs, "result": result, "keys": keys},
            # A proposed round is not public until it is published.
            public=False,
        )
    return round_


@transaction.atomic
def round_publish(*, actor: Any, round_: AllocationRound) -> AllocationRound:
    """Publish: every State's figure becomes its envelope, paid from the available balance."""
    permissions.require(actor, "fund.manage")
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != AllocationRound.Status.PROPOSED:
        raise TransitionNotAllowed(
            pgettext("allocation round", "Only a proposed round can be published.")
        )
    total = Decimal(round_.result["total"])
    if ledger.balance(ledger.AVAILABLE) < total:
        raise InvalidInput(
            {
                "envelope": _(
                    "The fund holds %(available)s available, less than the envelope %(total)s."
                )
                % {"available": money(ledger.balance(ledger.AVAILABLE)), "total": money(total)}
            }
        )
    states = {s.iso3: s for s in State.objects.all()}
    for line in round_.result["allocations"]:
        iso3 = round_.keys[line["key"]]
        amount = Decimal(line["amount"])
        Allocation.objects.create(
            round=round_,
            state=states[iso3],
            key=line["key"],
            amount=amount,
            binding=line["binding"],
            explanation=line["explanation"],
        )
        if amount > 0:
            ledger.post(
                kind=LedgerTransaction.Kind.ALLOCATION,
                source=ledger.AVAILABLE,
                target=ledger.envelope(iso3),
                amount=amount,
                actor=actor,
                reference=f"ALR-{round_.pk}",
            )
    round_.status, round_.published_at = AllocationRound.Status.PUBLISHED, timezone.now()
    round_.save()
    audit_append(
        actor=actor,
        action="fund.allocation.publish",
        object_type="allocation_round",
        object_id=str(round_.pk),
        state={"status": round_.status, "total": f"{total:.2f}"},
        public=True,
    )
    return round_


@transaction.atomic
def round_discard(*, actor: Any, round_: AllocationRound) -> AllocationRound:
    """Discard a proposed round: it can no longer be published; its files stay on record."""
    permissions.require(actor, "fund.manage")
    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != AllocationRound.Status.PROPOSED:
        raise TransitionNotAllowed(
            pgettext("allocation round", "Only a proposed round can be discarded.")
        )
    round_.status = AllocationRound.Status.DISCARDED
    round_.save(update_fields=["status"])
    audit_append(
        actor=actor,
        action="fund.allocation.discard",
        object_type="allocation_round",
        object_id=str(round_.pk),
        state={"status": round_.status},
        public=False,
    )
    return round_


@dataclass
class Verification:
    ok: bool
    checked: int
    problems: list[str]


def round_verify(round_: AllocationRound) -> Verification:
    """Recompute from the stored inputs; every stored figure must match to the cent."""
    round_ = AllocationRound.objects.get(pk=round_.pk)  # what is stored, not what a caller holds
    problems: list[str] = []
    recomputed = allocation.result_json(allocation.allocate(allocation.parse_inputs(round_.inputs)))
    if recomputed != round_.result:
        differing = [
            a["key"]
            for a, b in zip(
                recomputed["allocations"], round_.result.get("allocations", []), strict=False
            )
            if a != b
        ]
        problems.append(
            "the stored result differs from the recomputed one "
            f"(keys: {', '.join(differing) or 'totals'})"
        )
    expected = {a["key"]: Decimal(a["amount"]) for a in recomputed["allocations"]}
    checked = 0
    if round_.status == AllocationRound.Status.PUBLISHED:
        stored = {
            a.key: (a.amount, a.state.iso3) for a in round_.allocations.select_related("state")
        }
        for key, amount in expected.items():
            checked += 1
            if key not in stored:
                problems.append(f"{key}: no stored allocation")
            elif stored[key][0] != amount:
                problems.append(
                    f"{key} ({stored[key][1]}): stored {stored[key][0]}, recomputed {amount}"
                )
            elif round_.keys.get(key) != stored[key][1]:
                problems.append(
                    f"{key}: the key table names {round_.keys.get(key)}, "
                    f"the allocation {stored[key][1]}"
                )
    else:
        checked = len(expected)
    return Verification(not problems, checked, problems)
