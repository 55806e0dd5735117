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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import NotAllowed, TransitionNotAllowed
from equalfooting.needs import framework as fw

from . import ledger, services
from .models import ConflictDeclaration, PriorityEntry, Project, Proposal, Review
from .review import CRITERIA, RECOMMENDATIONS

TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "focal_point",
    ("draft", "withdrawn"): "focal_point",
    ("submitted", "withdrawn"): "focal_point",
    ("submitted", "under_review"): "secretariat",
    ("under_review", "approved"): "secretariat",
    ("under_review", "revise"): "secretariat",
    ("under_review", "declined"): "secretariat",
    ("revise", "submitted"): "focal_point",
}
NEEDS_REASON = frozenset({"approved", "revise", "declined"})


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
    permissions.require(
        actor, "proposal.edit" if role == "focal_point" else "fund.manage", proposal
    )


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
    from equalfooting.needs.principles import clean as clean_principles

    try:
        held = clean_principles(principles or {})
    except ValueError as exc:
        errors["principles"] = [str(exc)]
        held = {}
    if errors:
        raise ValidationError(errors)
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
    )
    return proposal


@transaction.atomic
def proposal_transition(*, actor: Any, proposal: Proposal, target: str) -> Proposal:
    """A focal point's step: submit, resubmit after revision, or withdraw."""
    proposal = Proposal.objects.select_for_update().select_related("state").get(pk=proposal.pk)
    _step(actor, proposal, target)
    if TRANSITIONS[(proposal.status, target)] != "focal_point":
        raise TransitionNotAllowed(_("This step is the Secretariat's."))
    proposal.status = target
    proposal.save()
    audit_append(
        actor=actor,
        action=f"fund.proposal.{target}",
        object_type="proposal",
        object_id=str(proposal.pk),
        state=_state(proposal),
    )
    return proposal


def conflicted(reviewer: Any, state: Any) -> bool:
    """Bound to the State (any role for it) or a declared conflict of interest."""
    from equalfooting.accounts.models import Role

    bound = (
        Role.objects.filter(user=reviewer, status="verified").filter(state=state).exists()
        or Role.objects.filter(user=reviewer, status="verified", provider__state=state).exists()
    )
    return bound or ConflictDeclaration.objects.filter(reviewer=reviewer, state=state).exists()


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
    )
    return declaration


@transaction.atomic
def reviewers_assign(*, actor: Any, proposal: Proposal, reviewers: list[Any]) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("state").get(pk=proposal.pk)
    if proposal.status not in ("submitted", "under_review"):
        raise TransitionNotAllowed(_("Reviewers are assigned to submitted proposals."))
    permissions.require(actor, "fund.manage", proposal)
    if not reviewers:
        raise ValidationError({"reviewers": _("Choose at least one reviewer.")})
    for reviewer in reviewers:
        if not permissions.has_role(reviewer, permissions.REVIEWER):
            raise ValidationError(
                {
                    "reviewers": _("%(name)s is not a verified reviewer.")
                    % {"name": reviewer.get_username()}
                }
            )
        if conflicted(reviewer, proposal.state):
            raise ValidationError(
                {
                    "reviewers": _(
                        "%(name)s is bound to this State or has declared a conflict of "
                        "interest with it."
                    )
                    % {"name": reviewer.get_username()}
                }
            )
        Review.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    if proposal.status == "submitted":
        proposal.status = "under_review"
        proposal.save()
    audit_append(
        actor=actor,
        action="fund.proposal.assign",
        object_type="proposal",
        object_id=str(proposal.pk),
        state={**_state(proposal), "reviewers": sorted(r.pk for r in reviewers)},
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
    if recommendation not in RECOMMENDATIONS:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if errors:
        raise ValidationError(errors)
    review.scores, review.recommendation, review.comments = clean, recommendation, comments.strip()
    review.status, review.submitted_at = Review.Status.SUBMITTED, timezone.now()
    review.save()
    audit_append(
        actor=actor,
        action="fund.review.submit",
        object_type="review",
        object_id=str(review.pk),
        state={"proposal": review.proposal_id, "scores": clean, "recommendation": recommendation},
    )
    return review


@transaction.atomic
def proposal_determine(*, actor: Any, proposal: Proposal, decision: str, reason: str) -> Proposal:
    """Approve, ask for a revision, or decline, with reasons. Approval commits the money."""
    proposal = Proposal.objects.select_for_update().select_related("state").get(pk=proposal.pk)
    _step(actor, proposal, decision)
    if decision in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the determination.")})
    proposal.status, proposal.determination_reason = decision, reason.strip()
    if decision == "approved":
        project = Project.objects.create(state=proposal.state, title=proposal.title)
        proposal.project = project
        proposal.save()
        if proposal.basis == Proposal.Basis.PRIORITY:
            # Priority proposals are paid from the fund's available money, not an envelope.
            try:
                ledger.post(
                    kind="commitment",
                    source=ledger.AVAILABLE,
                    target=ledger.committed(project.reference),
                    amount=proposal.amount,
                    actor=actor,
                    reference=project.reference,
                )
            except ledger.InsufficientFunds as exc:
                raise ValidationError({"amount": str(exc)}) from None
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
    audit_append(
        actor=actor,
        action=f"fund.proposal.{decision}",
        object_type="proposal",
        object_id=str(proposal.pk),
        state=_state(proposal),
    )
    return proposal


@transaction.atomic
def results_report(*, actor: Any, project: Project, text: str) -> Any:
    from .models import ResultsReport

    permissions.require(actor, "proposal.edit", project)
    if not text.strip():
        raise ValidationError({"text": _("Describe the results.")})
    report = ResultsReport.objects.create(project=project, text=text.strip(), submitted_by=actor)
    audit_append(
        actor=actor,
        action="fund.project.report",
        object_type="project",
        object_id=str(project.pk),
        state={"project": project.reference, "text": report.text},
    )
    return report
