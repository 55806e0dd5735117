"""Proposals to the fund, blind review and the Secretariat's determination.

Workflow (who may make each step):

    draft ─▶ submitted            the State's focal point
    draft, submitted ─▶ withdrawn the State's focal point
    submitted ─▶ under_review     the Secretariat, by assigning reviewers
    under_review ─▶ approved | revise | declined   the Secretariat, with reasons
    revise ─▶ submitted           the State's focal point, after revising
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.accounts.models import Role
from equalfooting.accounts.selectors import focal_points_of
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadline_close, deadline_open
from equalfooting.needs import framework as fw
from equalfooting.needs.principles import clean as clean_principles
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from . import ledger, services
from .models import (
    ConflictDeclaration,
    LedgerTransaction,
    PriorityEntry,
    Project,
    Proposal,
    ResultsReport,
    Review,
)
from .review import CRITERIA
from .selectors import reviewer_conflicted

Status = Proposal.Status
FOCAL_POINT, SECRETARIAT = Role.Kind.FOCAL_POINT, Role.Kind.SECRETARIAT
# (from, to): who takes the step.
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): FOCAL_POINT,
    (Status.DRAFT, Status.WITHDRAWN): FOCAL_POINT,
    (Status.SUBMITTED, Status.WITHDRAWN): FOCAL_POINT,
    (Status.SUBMITTED, Status.UNDER_REVIEW): SECRETARIAT,
    (Status.UNDER_REVIEW, Status.APPROVED): SECRETARIAT,
    (Status.UNDER_REVIEW, Status.REVISE): SECRETARIAT,
    (Status.UNDER_REVIEW, Status.DECLINED): SECRETARIAT,
    (Status.REVISE, Status.SUBMITTED): FOCAL_POINT,
}
# The Secretariat's determinations; each gives its reasons.
DETERMINATIONS = frozenset({Status.APPROVED, Status.REVISE, Status.DECLINED})


def _state(p: Proposal) -> dict[str, Any]:
    return {
        "state": p.state.iso3,
        "title": p.title,
        "summary": p.summary,
        "theme": p.theme,
        "amount": f"{p.amount:.2f}",
        "basis": p.basis,
        "status": p.status,
        "reason": p.determination_reason,
    }


def _step(actor: Any, proposal: Proposal, target: str) -> None:
    role = TRANSITIONS.get((proposal.status, target))
    if role is None:
        raise TransitionNotAllowed(
            _("A proposal that is %(source)s cannot become %(target)s.")
            % {
                "source": Proposal.Status(proposal.status).label,
                "target": Proposal.Status(target).label
                if target in Proposal.Status.values
                else target,
            }
        )
    permissions.require(actor, "proposal.edit" if role == FOCAL_POINT else "fund.manage", proposal)


def focal_point_steps(*, user: Any, proposal: Proposal) -> list[tuple[str, str]]:
    """The steps this user may take on the proposal as its State's focal point: (status, label)."""
    if not permissions.can(user, "proposal.edit", proposal):
        return []
    return [
        (target, str(Status(target).label))
        for (source, target), role in TRANSITIONS.items()
        if source == proposal.status and role == FOCAL_POINT
    ]


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    state: Any,
    title: str,
    summary: str,
    theme: str,
    amount: Any,
    priority_entry: PriorityEntry | None = None,
    principles: dict[str, Any] | None = None,
) -> Proposal:
    permissions.require(actor, "request.create", state)  # the State's own verified focal points
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the proposal a title.")]
    if not summary.strip():
        errors["summary"] = [_("Summarise the proposal.")]
    if fw.load().dimension(theme) is None:
        errors["theme"] = [_("Choose a theme from the framework.")]
    try:
        value = Decimal(str(amount))
        if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = [_("The amount must be greater than zero, to the cent at most.")]
        value = Decimal(0)
    if priority_entry is not None and priority_entry.request.state_id != state.pk:
        errors["priority_entry"] = [_("This priority entry belongs to another State.")]
    try:
        held = clean_principles(principles or {})
    except InvalidInput as exc:
        errors.update(exc.message_dict)
        held = {}
    if errors:
        raise InvalidInput(errors)
    proposal = Proposal.objects.create(
        principles=held,
        state=state,
        title=title.strip(),
        summary=summary.strip(),
        theme=theme,
        amount=value,
        basis=Proposal.Basis.PRIORITY if priority_entry else Proposal.Basis.ENVELOPE,
        priority_entry=priority_entry,
        created_by=actor,
    )
    audit_append(
        actor=actor,
        action="fund.proposal.create",
        object_type="proposal",
        object_id=str(proposal.pk),
        state=_state(proposal),
        # Proposals stay confidential: they are reviewed blind.
        public=False,
    )
    return proposal


@transaction.atomic
def proposal_transition(*, actor: Any, proposal: Proposal, target: str) -> Proposal:
    """A focal point's step: submit, resubmit after revision, or withdraw."""
    proposal = Proposal.objects.select_for_update().select_related("state").get(pk=proposal.pk)
    _step(actor, proposal, target)
    if TRANSITIONS[(proposal.status, target)] != FOCAL_POINT:
        raise TransitionNotAllowed(_("This step is the Secretariat's."))
    proposal.status = target
    proposal.save()
    audit_append(
        actor=actor,
        action=f"fund.proposal.{target}",
        object_type="proposal",
        object_id=str(proposal.pk),
        state=_state(proposal),
        public=False,
    )
    return proposal


@transaction.atomic
def conflict_declare(*, actor: Any, state: Any, reason: str = "") -> ConflictDeclaration:
    permissions.require(actor, "review.declare_conflict")
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        reviewer=actor, state=state, defaults={"reason": reason}
    )
    audit_append(
        actor=actor,
        action="fund.conflict.declare",
        object_type="conflict",
        object_id=str(declaration.pk),
        state={"reviewer": actor.pk, "state": state.iso3},
        public=False,
    )
    return declaration


@transaction.atomic
def reviewers_assign(*, actor: Any, proposal: Proposal, reviewers: list[Any]) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("state").get(pk=proposal.pk)
    if proposal.status not in (Status.SUBMITTED, Status.UNDER_REVIEW):
        raise TransitionNotAllowed(_("Reviewers are assigned to submitted proposals."))
    permissions.require(actor, "fund.manage", proposal)
    if not reviewers:
        raise InvalidInput({"reviewers": _("Choose at least one reviewer.")})
    for reviewer in reviewers:
        if not permissions.has_role(reviewer, permissions.REVIEWER):
            raise InvalidInput(
                {
                    "reviewers": _("%(name)s is not a verified reviewer.")
                    % {"name": reviewer.get_username()}
                }
            )
        if reviewer_conflicted(reviewer=reviewer, state=proposal.state):
            raise InvalidInput(
                {
                    "reviewers": _(
                        "%(name)s is bound to this State or has declared a conflict of "
                        "interest with it."
                    )
                    % {"name": reviewer.get_username()}
                }
            )
        review, created = Review.objects.get_or_create(proposal=proposal, reviewer=reviewer)
        if created:  # the reviewer learns the proposal's reference only: the review is blind
            deadline_open(
                actor=actor, kind=Deadline.Kind.REVIEW, object_type="review", about=review
            )
            notify(
                kind=Notification.Kind.REVIEW_ASSIGNED,
                recipients=[reviewer],
                about=review,
                context={"proposal": proposal.reference},
                link=reverse("fund:review_detail", kwargs={"review_id": review.pk}),
            )
    if proposal.status == Status.SUBMITTED:
        proposal.status = Status.UNDER_REVIEW
        proposal.save()
    audit_append(
        actor=actor,
        action="fund.proposal.assign",
        object_type="proposal",
        object_id=str(proposal.pk),
        state={**_state(proposal), "reviewers": sorted(r.pk for r in reviewers)},
        public=False,
    )
    return proposal


@transaction.atomic
def review_submit(
    *, actor: Any, review: Review, scores: dict[str, Any], recommendation: str, comments: str = ""
) -> Review:
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.reviewer_id != actor.pk:
        raise NotAllowed(_("This review is assigned to someone else."))
    permissions.require(actor, "review.submit")
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for code in CRITERIA:
        value = scores.get(code)
        try:
            number = int(str(value))
        except ValueError:
            number = -1
        if not 0 <= number <= 5:
            errors[f"score_{code}"] = [_("Give a score from 0 to 5.")]
        clean[code] = number
    if recommendation not in Review.Recommendation.values:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if errors:
        raise InvalidInput(errors)
    review.scores, review.recommendation, review.comments = clean, recommendation, comments.strip()
    review.status, review.submitted_at = Review.Status.SUBMITTED, timezone.now()
    review.save()
    deadline_close(actor=actor, kind=Deadline.Kind.REVIEW, object_type="review", about=review)
    audit_append(
        actor=actor,
        action="fund.review.submit",
        object_type="review",
        object_id=str(review.pk),
        state={"proposal": review.proposal_id, "scores": clean, "recommendation": recommendation},
        public=False,
    )
    return review


@transaction.atomic
def proposal_determine(*, actor: Any, proposal: Proposal, decision: str, reason: str) -> Proposal:
    """Approve, ask for a revision, or decline, with reasons. Approval commits the money."""
    proposal = Proposal.objects.select_for_update().select_related("state").get(pk=proposal.pk)
    _step(actor, proposal, decision)
    if decision in DETERMINATIONS and not reason.strip():
        raise InvalidInput({"reason": _("Give the reasons for the determination.")})
    proposal.status, proposal.determination_reason = decision, reason.strip()
    if decision == Status.APPROVED:
        project = Project.objects.create(state=proposal.state, title=proposal.title)
        proposal.project = project
        proposal.save()
        if proposal.basis == Proposal.Basis.PRIORITY:
            # Priority proposals are paid from the fund's available money, not an envelope;
            # more than it holds is refused (InsufficientFunds names "amount").
            ledger.post(
                kind=LedgerTransaction.Kind.COMMITMENT,
                source=ledger.AVAILABLE,
                target=ledger.committed(project.reference),
                amount=proposal.amount,
                actor=actor,
                reference=project.reference,
            )
            project.committed = proposal.amount
            project.save(update_fields=["committed"])
            if proposal.priority_entry_id:
                PriorityEntry.objects.filter(pk=proposal.priority_entry_id).update(
                    status=PriorityEntry.Status.TAKEN_UP
                )
        else:
            proposal.project = services.project_commit(
                actor=actor, project=project, amount=f"{proposal.amount:.2f}"
            )
    else:
        proposal.save()
    # Determined: reviews still unwritten are no longer awaited.
    for review_id in proposal.reviews.filter(status=Review.Status.ASSIGNED).values_list(
        "pk", flat=True
    ):
        deadline_close(
            actor=actor, kind=Deadline.Kind.REVIEW, object_type="review", about=review_id, met=False
        )
    audit_append(
        actor=actor,
        action=f"fund.proposal.{decision}",
        object_type="proposal",
        object_id=str(proposal.pk),
        state=_state(proposal),
        # The project it may become is public; the proposal and its review are not.
        public=False,
    )
    notify(
        kind=Notification.Kind.PROPOSAL_DETERMINED,
        recipients=focal_points_of(state=proposal.state),
        about=proposal,
        context={
            "proposal": proposal.reference,
            "title": proposal.title,
            "outcome": Status(decision).label,
        },
        link=reverse("fund:proposal_detail", kwargs={"proposal_id": proposal.pk}),
    )
    return proposal


@transaction.atomic
def results_report(*, actor: Any, project: Project, text: str) -> ResultsReport:
    permissions.require(actor, "proposal.edit", project)
    if not text.strip():
        raise InvalidInput({"text": _("Describe the results.")})
    report = ResultsReport.objects.create(project=project, text=text.strip(), submitted_by=actor)
    audit_append(
        actor=actor,
        action="fund.project.report",
        object_type="project",
        object_id=str(project.pk),
        state={"project": project.reference, "text": report.text},
        # Projects and their results reports are public.
        public=True,
    )
    return report
