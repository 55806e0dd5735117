"""Reads of the fund: allocation rounds, the ledger, contributions, proposals, reviews, projects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.accounts.models import Role, User
from equalfooting.core.errors import NotFound
from equalfooting.deadlines.models import Deadline
from equalfooting.registry.models import State

from .models import (
    AllocationRound,
    ConflictDeclaration,
    Contribution,
    Contributor,
    LedgerTransaction,
    PriorityEntry,
    Project,
    Proposal,
    Review,
)

# --- Allocation rounds


def allocation_round_from_id(*, round_id: int, **_ignored: Any) -> AllocationRound:
    """The round a URL names, for views (`permissions.guard(load=...)`)."""
    found = AllocationRound.objects.filter(pk=round_id).first()
    if found is None:
        raise NotFound(_("No such allocation round."))
    return found


def allocation_round_visible(*, user: Any, round_id: int) -> AllocationRound:
    """A round anyone may read once published; while under review, only the Secretariat."""
    round_ = allocation_round_from_id(round_id=round_id)
    if round_.status != AllocationRound.Status.PUBLISHED and not permissions.can(
        user, "fund.manage"
    ):
        raise NotFound(_("No such allocation round."))
    return round_


def allocation_rounds_visible(*, user: Any) -> QuerySet[AllocationRound]:
    if permissions.can(user, "fund.manage"):
        return AllocationRound.objects.all()
    return allocation_rounds_published()


def allocation_rounds_published() -> QuerySet[AllocationRound]:
    return AllocationRound.objects.filter(status=AllocationRound.Status.PUBLISHED)


def allocation_round_lines(*, round_: AllocationRound) -> list[dict[str, Any]]:
    """Each State's line of the result, with its State and its stored allocation, largest first."""
    allocations = {a.key: a for a in round_.allocations.select_related("state")}
    states = {s.iso3: s for s in State.objects.filter(iso3__in=round_.keys.values())}
    lines = [
        {
            **line,
            "state": states.get(round_.keys[line["key"]]),
            "stored": allocations.get(line["key"]),
        }
        for line in round_.result["allocations"]
    ]
    lines.sort(key=lambda x: Decimal(x["amount"]), reverse=True)
    return lines


def state_in_allocation_round(*, round_: AllocationRound, state: State) -> dict[str, Any]:
    """One State's key, result line, inputs and their sources in a round."""
    key = next((k for k, v in round_.keys.items() if v == state.iso3), None)
    if key is None:
        raise NotFound(_("This State is not in the round."))
    return {
        "key": key,
        "line": next(a for a in round_.result["allocations"] if a["key"] == key),
        "entry": next(e for e in round_.inputs["states"] if e["key"] == key),
        "sources": round_.sources.get("per_key", {}).get(key, {}),
    }


# --- The ledger and contributions


def ledger_movements() -> QuerySet[LedgerTransaction]:
    """The ledger's movements with their accounts, for a page of it (by their number, in the
    order they were posted: `web.paging`)."""
    return LedgerTransaction.objects.select_related("debit", "credit")


def contributors_by_total() -> QuerySet[Contributor]:
    """Contributors who gave something, the largest total (in the fund's currency) first."""
    return (
        Contributor.objects.annotate(total=Sum("contributions__amount_fund"))
        .filter(total__isnull=False)
        .order_by("-total")
    )


def contribution_from_id(*, contribution_id: int) -> Contribution:
    found = Contribution.objects.filter(pk=contribution_id).first()
    if found is None:
        raise NotFound(_("No such contribution."))
    return found


def pledges_awaiting_receipt() -> QuerySet[Contribution]:
    return Contribution.objects.filter(status=Contribution.Status.PLEDGED).select_related(
        "contributor"
    )


# --- Projects


def project_from_id(*, project_id: int, **_ignored: Any) -> Project:
    """The project a URL names, for views (`permissions.guard(load=...)`)."""
    found = Project.objects.select_related("state").filter(pk=project_id).first()
    if found is None:
        raise NotFound(_("No such project."))
    return found


def projects_latest(*, limit: int = 100) -> QuerySet[Project]:
    return Project.objects.select_related("state")[:limit]


def project_money_trail(*, project: Project) -> QuerySet[LedgerTransaction]:
    """Every movement of a project's money, oldest first."""
    return (
        LedgerTransaction.objects.filter(reference=project.reference)
        .select_related("debit", "credit")
        .order_by("at", "pk")
    )


def project_paid_net(*, project: Project) -> Decimal:
    """What a project was disbursed, less what it has refunded."""
    paid = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.DISBURSEMENT, reference=project.reference
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    returned = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.REFUND, reference=project.reference
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return paid - returned


# --- Proposals and their review


def proposal_from_id(*, proposal_id: int, **_ignored: Any) -> Proposal:
    """The proposal a URL names, for views (`permissions.guard(load=...)`)."""
    found = Proposal.objects.select_related("state").filter(pk=proposal_id).first()
    if found is None:
        raise NotFound(_("No such proposal."))
    return found


def priority_entries_waiting(*, state: State) -> QuerySet[PriorityEntry]:
    """The State's requests in the priority queue that the fund has not yet taken up."""
    return PriorityEntry.objects.filter(
        request__state=state, status=PriorityEntry.Status.WAITING
    ).select_related("request")


def priority_entry_get(*, entry_id: Any) -> PriorityEntry | None:
    return PriorityEntry.objects.filter(pk=entry_id).first()


def reviewer_conflicted(*, reviewer: Any, state: Any) -> bool:
    """Bound to the State (any verified role for it) or a declared conflict of interest."""
    verified = Role.objects.filter(user=reviewer, status=Role.Status.VERIFIED)
    bound = verified.filter(state=state).exists() or verified.filter(provider__state=state).exists()
    return bound or ConflictDeclaration.objects.filter(reviewer=reviewer, state=state).exists()


def reviewers_available(*, state: Any) -> list[User]:
    """Verified reviewers who may review a proposal of this State."""
    reviewers = User.objects.filter(
        roles__kind=Role.Kind.REVIEWER, roles__status=Role.Status.VERIFIED
    ).distinct()
    return [u for u in reviewers if not reviewer_conflicted(reviewer=u, state=state)]


def users_with_ids(*, ids: list[str]) -> QuerySet[User]:
    return User.objects.filter(pk__in=ids)


def reviews_of_proposal(*, proposal: Proposal) -> QuerySet[Review]:
    return proposal.reviews.select_related("reviewer")


def review_from_id(*, review_id: int, **_ignored: Any) -> Review:
    """The review a URL names, for views (`permissions.guard(load=...)`)."""
    found = Review.objects.select_related("proposal").filter(pk=review_id).first()
    if found is None:
        raise NotFound(_("No such review."))
    return found


def reviews_assigned(*, reviewer: Any) -> QuerySet[Review]:
    """The reviews assigned to this reviewer, with their proposals."""
    return Review.objects.filter(reviewer_id=reviewer.pk).select_related("proposal")


def review_assigned(*, reviewer: Any, review_id: int) -> Review:
    """One review assigned to this reviewer; another's is not found, not forbidden."""
    found = reviews_assigned(reviewer=reviewer).filter(pk=review_id).first()
    if found is None:
        raise NotFound(_("No such review."))
    return found


def reviews_waiting(*, reviewer: Any) -> QuerySet[Review]:
    """The reviews this reviewer has yet to submit, of proposals still under review."""
    return reviews_assigned(reviewer=reviewer).filter(
        status=Review.Status.ASSIGNED, proposal__status=Proposal.Status.UNDER_REVIEW
    )


def reviews_overdue() -> QuerySet[Review]:
    """Reviews past their due date and still unwritten, of proposals still under review: the
    Secretariat may assign another reviewer."""
    lapsed = Deadline.objects.filter(
        kind=Deadline.Kind.REVIEW, object_type="review", status=Deadline.Status.LAPSED
    ).values_list("object_id", flat=True)
    return (
        Review.objects.filter(
            status=Review.Status.ASSIGNED,
            proposal__status=Proposal.Status.UNDER_REVIEW,
            pk__in=[int(pk) for pk in lapsed],
        )
        .select_related("proposal__state")
        .order_by("pk")
    )


def proposals_in_status(*, statuses: Any) -> QuerySet[Proposal]:
    """Proposals in these statuses, with their State, oldest first."""
    return (
        Proposal.objects.filter(status__in=statuses)
        .select_related("state")
        .annotate(
            reviews_open=Count("reviews", filter=Q(reviews__status=Review.Status.ASSIGNED)),
            reviews_in=Count("reviews", filter=Q(reviews__status=Review.Status.SUBMITTED)),
        )
        .order_by("pk")
    )


def projects_unpaid() -> QuerySet[Project]:
    """Projects with money committed and no tranche paid yet: a disbursement to make. The first
    tranche moves a project on from "approved" (`services.project_disburse`)."""
    return (
        Project.objects.filter(status=Project.Status.APPROVED, committed__gt=0)
        .select_related("state")
        .order_by("pk")
    )
