"""Public statistics of the mechanism: what it does, and how fairly, by group of States."""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from equalfooting.accounts.models import Role
from equalfooting.core.periods import Period
from equalfooting.fund import ledger
from equalfooting.fund.models import Allocation, AllocationRound, LedgerTransaction, Proposal
from equalfooting.matchmaking.models import Match, MatchQuerySet
from equalfooting.matchmaking.selectors import decline_figures
from equalfooting.needs.labels import theme_label
from equalfooting.needs.models import Assessment, AssistanceRequest, RequestTransition
from equalfooting.needs.principles import CODES as PRINCIPLE_CODES
from equalfooting.offers.models import Offer
from equalfooting.registry.models import Group, State

from .figures import public_figures, public_figures_by_month

Kind = LedgerTransaction.Kind


def matches_agreed() -> MatchQuerySet:
    """Matches both sides agreed to: the State accepted and the provider confirmed."""
    return Match.objects.agreed()


def requests_public() -> QuerySet[AssistanceRequest]:
    """Requests are public once submitted."""
    return AssistanceRequest.objects.public()


def overview(period: Period | None = None) -> dict[str, Any]:
    """The dashboard's tiles: the public figures over the period (everything so far unless
    told), with the States taking part and the public self-assessments as they stand now."""
    figures = public_figures(period or Period.ever())
    return dict(
        figures,
        states_participating=Role.objects.filter(
            kind=Role.Kind.FOCAL_POINT, status=Role.Status.VERIFIED
        )
        .values("state")
        .distinct()
        .count(),
        # Public ones only: a figure that counted confidential records could not be checked
        # against the public records, nor reproduced by a mirror.
        assessments_public=Assessment.objects.filter(
            status=Assessment.Status.SUBMITTED, visibility=Assessment.Visibility.PUBLIC
        ).count(),
        available=ledger.balance(ledger.AVAILABLE),
    )


def year_figures(year: int) -> dict[str, Any]:
    """The annual report's figures: the same figures as the dashboard's, over the year."""
    return public_figures(Period.year(year))


def requests_by_theme_and_status() -> list[dict[str, Any]]:
    rows = (
        requests_public()
        .values("theme", "status")
        .annotate(n=Count("pk"))
        .order_by("theme", "status")
    )
    return [
        {
            "theme": theme_label(r["theme"]),
            "status": str(AssistanceRequest.Status(r["status"]).label),
            "status_code": r["status"],  # charts colour by the code, the same in every language
            "requests": r["n"],
        }
        for r in rows
    ]


def _group_labels(state: Any) -> dict[str, list[str]]:
    groups = [g.code for g in state.groups.all()]
    return {
        "region": [state.region.name],
        "income": [str(State.IncomeGroup(state.income_group).label) if state.income_group else "—"],
        "group": [str(Group.LABELS.get(code, code)) for code in groups] or ["—"],
    }


def fairness() -> dict[str, list[dict[str, Any]]]:
    """Share of requested units served and days from submission to a first agreement, by
    M49 region, income group and LDC/LLDC/SIDS membership; declines by reason."""
    # Units are not comparable across requests (trainee places, expert days, dollars), so each
    # request counts once: the share of its own units that agreed matches serve.
    shares: dict[tuple[str, str], list[float]] = defaultdict(list)
    days: dict[tuple[str, str], list[float]] = defaultdict(list)
    agreed_units = dict(matches_agreed().values_list("request").annotate(units=Sum("units")))
    first_match: dict[int, Any] = {}
    for request_id, at in (
        RequestTransition.objects.filter(
            target__in=[
                AssistanceRequest.Status.PARTLY_MATCHED,
                AssistanceRequest.Status.MATCHED,
            ]
        )
        .order_by("at")
        .values_list("request", "at")
    ):
        first_match.setdefault(request_id, at)
    rows = (
        requests_public()
        .exclude(status=AssistanceRequest.Status.WITHDRAWN)
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
            dict(
                label=label,
                requests=len(values),
                matched=sum(1 for v in values if v > 0),
                share=round(sum(values) / len(values), 4),
                median_days=round(stats.median(days[(dimension, label)]), 1)
                if days[(dimension, label)]
                else None,
            )
        )
    # Declines by reason: the providers' and, next to them, the requesting States'.
    figures = decline_figures()
    reasons, state_reasons = figures["by_reason"], figures["state_by_reason"]
    by_provider, by_state = str(_("Provider")), str(_("State"))
    lapsed = str(_("Lapsed: no answer in time"))
    result["declines"] = [
        {
            "label": str(label),
            "declines": reasons.get(code, 0),
            "side": by_provider,
            "side_code": "provider",
        }
        for code, label in Match.DeclineReason.choices
    ] + [
        {
            "label": str(label),
            "declines": state_reasons.get(code, 0),
            "side": by_state,
            "side_code": "state",
        }
        for code, label in Match.StateDeclineReason.choices
    ]
    # Lapses are their own category, on the side that did not answer in time.
    result["declines"] += [
        {
            "label": lapsed,
            "declines": figures["provider_lapses"],
            "side": by_provider,
            "side_code": "provider",
        },
        {
            "label": lapsed,
            "declines": figures["state_lapses"],
            "side": by_state,
            "side_code": "state",
        },
    ]
    return result


def map_values(metric: str) -> list[dict[str, Any]]:
    """Per State (by M49 code): programmes reaching it, requests, or allocations."""
    states = State.objects.all()
    if metric == "coverage":
        counts = dict(
            State.objects.filter(organisations__ict_programme=True)
            .values_list("pk")
            .annotate(n=Count("organisations"))
        )
    elif metric == "requests":
        counts = dict(requests_public().values_list("state").annotate(n=Count("pk")))
    else:
        counts = dict(
            Allocation.objects.filter(round__status=AllocationRound.Status.PUBLISHED)
            .values_list("state")
            .annotate(n=Sum("amount"))
        )
    return [
        {"m49": s.m49, "name": s.name, "iso3": s.iso3, "value": float(counts.get(s.pk, 0) or 0)}
        for s in states
    ]


def over_time() -> list[dict[str, Any]]:
    """By month: the public figures (requests submitted, matches agreed, money moved)."""
    return [
        {**row, "month": row["month"].strftime("%Y-%m")}
        for row in public_figures_by_month(Period.ever())
    ]


def principles_affirmed() -> dict[str, dict[str, Any]]:
    """Share of submitted requests, published offers and funded projects affirming each
    principle: {"requests"|"offers"|"projects": {"total": n, "counts": {code: n}}}."""
    sources = {
        "requests": requests_public(),
        "offers": Offer.objects.exclude(status=Offer.Status.DRAFT),
        "projects": Proposal.objects.filter(status=Proposal.Status.APPROVED),
    }
    result = {}
    for name, rows in sources.items():
        held = list(rows.values_list("principles", flat=True))
        result[name] = {
            "total": len(held),
            "counts": {
                code: sum(1 for p in held if (p or {}).get(code)) for code in PRINCIPLE_CODES
            },
        }
    return result
