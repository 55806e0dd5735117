"""Pages for fund proposals: the State's, the Secretariat's, and the reviewers' (blind)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.accounts.models import User
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.i18n import pick
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label
from equalfooting.needs.principles import PRINCIPLES
from equalfooting.registry.models import State
from equalfooting.registry.selectors import state_from_iso3

from . import ledger, proposals
from .models import LedgerTransaction, PriorityEntry, Project, Proposal, Review
from .review import CRITERIA, RECOMMENDATIONS, anonymise


def proposal_from_id(*, proposal_id: int, **_ignored: Any) -> Proposal:
    found = Proposal.objects.select_related("state").filter(pk=proposal_id).first()
    if found is None:
        raise Http404(_("No such proposal."))
    return found


def review_from_id(*, review_id: int, **_ignored: Any) -> Review:
    found = Review.objects.select_related("proposal").filter(pk=review_id).first()
    if found is None:
        raise Http404(_("No such review."))
    return found


def project_from_id(*, project_id: int, **_ignored: Any) -> Project:
    found = Project.objects.select_related("state").filter(pk=project_id).first()
    if found is None:
        raise Http404(_("No such project."))
    return found


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    theme = forms.ChoiceField(label=gettext_lazy("Theme"))
    amount = forms.CharField(label=gettext_lazy("Amount requested (USD)"), max_length=30)
    priority_entry = forms.ChoiceField(label=gettext_lazy("Funded from"), required=False)
    principles = forms.MultipleChoiceField(
        label=gettext_lazy("Principles this proposal holds to"),
        required=False,
        choices=list(PRINCIPLES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, state: State, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(d.code, pick(d.name)) for d in fw.load().dimensions]  # type: ignore[attr-defined]
        entries = PriorityEntry.objects.filter(
            request__state=state, status="waiting"
        ).select_related("request")
        choices = [("", _("The State's envelope"))] + [
            (str(e.pk), _("Priority queue: %(request)s") % {"request": e.request.reference})
            for e in entries
        ]
        self.fields["priority_entry"].choices = choices  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@permissions.guard("request.create", load=state_from_iso3)
def proposal_create(request: HttpRequest, iso3: str, obj: State) -> HttpResponse:
    form = ProposalForm(request.POST or None, state=obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = (
            PriorityEntry.objects.filter(pk=data["priority_entry"]).first()
            if data["priority_entry"]
            else None
        )
        try:
            proposal = proposals.proposal_create(
                actor=request.user,
                state=obj,
                title=data["title"],
                summary=data["summary"],
                theme=data["theme"],
                amount=data["amount"],
                priority_entry=entry,
                principles={code: code in data["principles"] for code in PRINCIPLES},
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The proposal was saved as a draft. Submit it when it is ready.")
            )
            return redirect("fund:proposal_detail", proposal_id=proposal.pk)
    envelope = ledger.balance(ledger.envelope(obj.iso3))
    return render(
        request,
        "fund/proposal_form.html",
        {"state": obj, "form": form, "envelope": envelope},
        status=422 if form.errors else 200,
    )


@require_safe
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = proposal_from_id(proposal_id=proposal_id)
    if not permissions.can(request.user, "proposal.view", proposal):
        raise Http404(_("No such proposal."))
    steps = []
    for (source, target), role in proposals.TRANSITIONS.items():
        if (
            source == proposal.status
            and role == "focal_point"
            and permissions.can(request.user, "proposal.edit", proposal)
        ):
            steps.append((target, Proposal.Status(target).label))
    can_manage = permissions.can(request.user, "fund.manage", proposal)
    reviewers = (
        [
            u
            for u in User.objects.filter(
                roles__kind="reviewer", roles__status="verified"
            ).distinct()
            if not proposals.conflicted(u, proposal.state)
        ]
        if can_manage
        else []
    )
    return render(
        request,
        "fund/proposal_detail.html",
        {
            "proposal": proposal,
            "steps": steps,
            "can_manage": can_manage,
            "reviewers": reviewers,
            "reviews": proposal.reviews.select_related("reviewer") if can_manage else [],
            "criteria": CRITERIA,
            "principles": [
                (label, bool(proposal.principles.get(code))) for code, label in PRINCIPLES.items()
            ],
            "theme": _blind(proposal)["theme"],
        },
    )


@require_POST
@permissions.guard("proposal.view", load=proposal_from_id)
def proposal_act(request: HttpRequest, proposal_id: int, obj: Proposal) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "assign":
            chosen = User.objects.filter(pk__in=request.POST.getlist("reviewers"))
            proposals.reviewers_assign(actor=request.user, proposal=obj, reviewers=list(chosen))
        elif action in ("approved", "revise", "declined"):
            proposals.proposal_determine(
                actor=request.user,
                proposal=obj,
                decision=action,
                reason=request.POST.get("reason", ""),
            )
        else:
            proposals.proposal_transition(actor=request.user, proposal=obj, target=action)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The proposal was updated."))
    return redirect("fund:proposal_detail", proposal_id=obj.pk)


# --- Reviewers: they see a reference, a theme, an amount and anonymised text; never the State.


def _blind(proposal: Proposal) -> dict[str, Any]:
    return {
        "reference": proposal.reference,
        "title": anonymise(proposal.title),
        "summary": anonymise(proposal.summary),
        "theme": theme_label(proposal.theme),
        "amount": proposal.amount,
        "basis": str(Proposal.Basis(proposal.basis).label),
    }


@require_safe
@permissions.guard("review.submit")
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = Review.objects.filter(reviewer_id=request.user.pk).select_related("proposal")
    return render(
        request,
        "fund/review_list.html",
        {
            "rows": [(r, _blind(r.proposal)) for r in reviews],
            "states": State.objects.all(),
        },
    )


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"), choices=list(RECOMMENDATIONS.items())
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA.items():
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=label, choices=[(n, n) for n in range(6)], coerce=int
            )


@require_http_methods(["GET", "POST"])
@permissions.guard("review.submit", load=review_from_id)
def review_detail(request: HttpRequest, review_id: int, obj: Review) -> HttpResponse:
    if obj.reviewer_id != request.user.pk:
        raise Http404(_("No such review."))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposals.review_submit(
                actor=request.user,
                review=obj,
                recommendation=data["recommendation"],
                comments=data["comments"],
                scores={c: data[f"score_{c}"] for c in CRITERIA},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your review was submitted."))
            return redirect("fund:review_list")
    return render(
        request,
        "fund/review_detail.html",
        {"review": obj, "blind": _blind(obj.proposal), "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("review.declare_conflict")
def conflict_declare(request: HttpRequest) -> HttpResponse:
    state = State.objects.filter(iso3=request.POST.get("state", "")).first()
    if state is None:
        messages.error(request, _("Choose a State."))
    else:
        proposals.conflict_declare(
            actor=request.user, state=state, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            _("Your declaration was recorded. No proposal of this State will be assigned to you."),
        )
    return redirect("fund:review_list")


# --- Projects: the money trail is public.


@require_safe
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_from_id(project_id=project_id)
    trail = (
        LedgerTransaction.objects.filter(reference=project.reference)
        .select_related("debit", "credit")
        .order_by("at", "pk")
    )
    return render(
        request,
        "fund/project_detail.html",
        {
            "project": project,
            "trail": trail,
            "reports": project.reports.all(),
            "remaining": ledger.balance(ledger.committed(project.reference)),
            "can_manage": permissions.can(request.user, "fund.manage", project),
            "can_report": permissions.can(request.user, "proposal.edit", project),
        },
    )


@require_POST
@permissions.guard("proposal.view", load=project_from_id)
def project_act(request: HttpRequest, project_id: int, obj: Project) -> HttpResponse:
    from . import services

    try:
        if request.POST.get("action") == "refund":
            services.project_refund(
                actor=request.user,
                project=obj,
                amount=request.POST.get("amount", ""),
                memo=request.POST.get("memo", ""),
            )
        elif request.POST.get("action") == "disburse":
            services.project_disburse(
                actor=request.user,
                project=obj,
                amount=request.POST.get("amount", ""),
                memo=request.POST.get("memo", ""),
            )
        else:
            proposals.results_report(
                actor=request.user, project=obj, text=request.POST.get("text", "")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded."))
    return redirect("fund:project_detail", project_id=obj.pk)
