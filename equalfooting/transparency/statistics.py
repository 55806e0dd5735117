"""Public statistics of the mechanism: what it does, and how fairly, by group of States."""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum


def overview() -> dict[str, Any]:
    from equalfooting.accounts.models import Role
    from equalfooting.fund import ledger
    from equalfooting.fund.models import LedgerTransaction
    from equalfooting.matchmaking.models import Match
    from equalfooting.needs.models import Assessment, AssistanceRequest

    by_kind = dict(LedgerTransaction.objects.values_list("kind").annotate(total=Sum("amount")))
    return {
        "states_participating": Role.objects.filter(kind="focal_point", status="verified")
        .values("state")
        .distinct()
        .count(),
        # Public ones only: a figure that counted confidential records could not be checked
        # against the public records, nor reproduced by a mirror.
        "assessments_public": Assessment.objects.filter(
            status="submitted", visibility="public"
        ).count(),
        "requests": AssistanceRequest.objects.exclude(status="draft").count(),
        "matches_agreed": Match.objects.filter(
            state_decision="accepted", provider_decision="confirmed"
        ).count(),
        "received": by_kind.get("receipt", Decimal(0)),
        "allocated": by_kind.get("allocation", Decimal(0)),
        "disbursed": by_kind.get("disbursement", Decimal(0)) - by_kind.get("refund", Decimal(0)),
        "available": ledger.balance(ledger.AVAILABLE),
    }


def requests_by_theme_and_status() -> list[dict[str, Any]]:
    from equalfooting.needs.labels import theme_label
    from equalfooting.needs.models import AssistanceRequest

    rows = (
        AssistanceRequest.objects.exclude(status="draft")
        .values("theme", "status")
        .annotate(n=Count("pk"))
        .order_by("theme", "status")
    )
    return [
        {
            "theme": theme_label(r["theme"]),
            "status": str(AssistanceRequest.Status(r["status"]).label),
            "requests": r["n"],
        }
        for r in rows
    ]


def _group_labels(state: Any) -> dict[str, list[str]]:
    from equalfooting.registry.models import Group, State

    groups = [g.code for g in state.groups.all()]
    return {
        "region": [state.region.name],
        "income": [str(State.IncomeGroup(state.income_group).label) if state.income_group else "—"],
        "group": [str(Group.LABELS.get(code, code)) for code in groups] or ["—"],
    }


def fairness() -> dict[str, list[dict[str, Any]]]:
    """Share of requested units served and days from submission to a first agreement, by
    M49 region, income group and LDC/LLDC/SIDS membership; declines by reason."""
    from equalfooting.matchmaking.models import Match
    from equalfooting.needs.models import AssistanceRequest, RequestTransition

    # Units are not comparable across requests (trainee places, expert days, dollars), so each
    # request counts once: the share of its own units that agreed matches serve.
    shares: dict[tuple[str, str], list[float]] = defaultdict(list)
    days: dict[tuple[str, str], list[float]] = defaultdict(list)
    agreed_units = dict(
        Match.objects.filter(state_decision="accepted", provider_decision="confirmed")
        .values_list("request")
        .annotate(units=Sum("units"))
    )
    first_match: dict[int, Any] = {}
    for request_id, at in (
        RequestTransition.objects.filter(target__in=["partly_matched", "matched"])
        .order_by("at")
        .values_list("request", "at")
    ):
        first_match.setdefault(request_id, at)
    rows = (
        AssistanceRequest.objects.exclude(status__in=["draft", "withdrawn"])
        .select_related("state__region")
        .prefetch_related("state__groups")
    )
    for r in rows:
        share = min(agreed_units.get(r.pk, 0), r.units) / r.units
        for dimension, labels in _group_labels(r.state).items():
            for label in labels:
                shares[(dimension, label)].append(share)
                if r.pk in first_match and r.submitted_at:
                    days[(dimension, label)].append(
                        (first_match[r.pk] - r.submitted_at).total_seconds() / 86400
                    )
    result: dict[str, list[dict[str, Any]]] = {"region": [], "income": [], "group": []}
    for (dimension, label), values in sorted(shares.items()):
        result[dimension].append(
            {
                "label": label,
                "requests": len(values),
                "matched": sum(1 for v in values if v > 0),
                "share": round(sum(values) / len(values), 4),
                "median_days": round(stats.median(days[(dimension, label)]), 1)
                if days[(dimension, label)]
                else None,
            }
        )
    reasons = dict(
        Match.objects.filter(provider_decision="declined")
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
    )
    result["declines"] = [
        {"label": str(label), "declines": reasons.get(code, 0)}
        for code, label in Match.DeclineReason.choices
    ]
    return result


def map_values(metric: str) -> list[dict[str, Any]]:
    """Per State (by M49 code): programmes reaching it, requests, or allocations."""
    from equalfooting.fund.models import Allocation
    from equalfooting.needs.models import AssistanceRequest
    from equalfooting.registry.models import State

    states = State.objects.all()
    if metric == "coverage":
        counts = dict(
            State.objects.filter(organisations__ict_programme=True)
            .values_list("pk")
            .annotate(n=Count("organisations"))
        )
    elif metric == "requests":
        counts = dict(
            AssistanceRequest.objects.exclude(status="draft")
            .values_list("state")
            .annotate(n=Count("pk"))
        )
    else:
        counts = dict(
            Allocation.objects.filter(round__status="published")
            .values_list("state")
            .annotate(n=Sum("amount"))
        )
    return [
        {"m49": s.m49, "name": s.name, "iso3": s.iso3, "value": float(counts.get(s.pk, 0) or 0)}
        for s in states
    ]


def over_time() -> list[dict[str, Any]]:
    """By month: requests submitted, matches agreed, money received and disbursed."""
    from django.db.models.functions import TruncMonth

    from equalfooting.fund.models import LedgerTransaction
    from equalfooting.matchmaking.models import Match
    from equalfooting.needs.models import AssistanceRequest

    months: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"requests": 0, "matches": 0, "received": Decimal(0), "disbursed": Decimal(0)}
    )
    for row in (
        AssistanceRequest.objects.exclude(submitted_at=None)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        months[row["month"]]["requests"] = row["n"]
    agreed = Match.objects.filter(
        round__status="published", state_decision="accepted", provider_decision="confirmed"
    )
    for row in (
        agreed.annotate(month=TruncMonth("updated_at")).values("month").annotate(n=Count("pk"))
    ):
        months[row["month"]]["matches"] = row["n"]
    for row in (
        LedgerTransaction.objects.filter(kind__in=["receipt", "disbursement"])
        .annotate(month=TruncMonth("at"))
        .values("month", "kind")
        .annotate(total=Sum("amount"))
    ):
        months[row["month"]]["received" if row["kind"] == "receipt" else "disbursed"] = row["total"]
    return [
        {"month": month.strftime("%Y-%m"), **values} for month, values in sorted(months.items())
    ]
