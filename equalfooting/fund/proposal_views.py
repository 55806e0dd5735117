"""Pages for fund proposals: the State's, the Secretariat's, and the reviewers' (blind)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.i18n import pick
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.selectors import deadline_open
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label
from equalfooting.needs.principles import PRINCIPLES
from equalfooting.registry.models import State
from equalfooting.registry.selectors import state_from_iso3, state_get, state_list

from . import ledger, proposals, selectors, services, wording
from .models import Project, Proposal, Review
from .review import CRITERIA, blind
from .selectors import project_from_id, proposal_from_id, review_from_id


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
        entries = selectors.priority_entries_waiting(state=state)
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
            selectors.priority_entry_get(entry_id=data["priority_entry"])
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
        except InvalidInput as exc:
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
        raise NotFound(_("No such proposal."))
    can_manage = permissions.can(request.user, "fund.manage", proposal)
    return render(
        request,
        "fund/proposal_detail.html",
        {
            "proposal": proposal,
            "steps": proposals.focal_point_steps(user=request.user, proposal=proposal),
            "can_manage": can_manage,
            "reviewers": selectors.reviewers_available(state=proposal.state) if can_manage else [],
            "reviews": selectors.reviews_of_proposal(proposal=proposal) if can_manage else [],
            "criteria": CRITERIA,
            "principles": [
                (label, bool(proposal.principles.get(code))) for code, label in PRINCIPLES.items()
            ],
            "theme": theme_label(proposal.theme),
        },
    )


@require_POST
@permissions.guard("proposal.view", load=proposal_from_id)
def proposal_act(request: HttpRequest, proposal_id: int, obj: Proposal) -> HttpResponse:
    action = request.POST.get("action", "")
    # A refusal is shown on the proposal's page, next to the status it was refused from.
    try:
        if action == "assign":
            chosen = selectors.users_with_ids(ids=request.POST.getlist("reviewers"))
            proposals.reviewers_assign(actor=request.user, proposal=obj, reviewers=list(chosen))
        elif action in proposals.DETERMINATIONS:
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
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The proposal was updated."))
    return redirect("fund:proposal_detail", proposal_id=obj.pk)


# --- Reviewers: they see a reference, a theme, an amount and anonymised text; never the State.


@require_safe
@permissions.guard("review.submit")
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = selectors.reviews_assigned(reviewer=request.user)
    return render(
        request,
        "fund/review_list.html",
        {
            "rows": [(r, blind(r.proposal)) for r in reviews],
            "states": state_list(),
        },
    )


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"), choices=Review.Recommendation.choices
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
        raise NotFound(_("No such review."))
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
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your review was submitted."))
            return redirect("fund:review_list")
    return render(
        request,
        "fund/review_detail.html",
        {
            "review": obj,
            "blind": blind(obj.proposal),
            "form": form,
            "due": deadline_open(kind=Deadline.Kind.REVIEW, object_type="review", about=obj),
            "review_days": settings.EF_DEADLINE_DAYS[Deadline.Kind.REVIEW],
        },
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("review.declare_conflict")
def conflict_declare(request: HttpRequest) -> HttpResponse:
    state = state_get(iso3=request.POST.get("state", ""))
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
    return render(
        request,
        "fund/project_detail.html",
        {
            "project": project,
            "trail": wording.with_account_names(selectors.project_money_trail(project=project)),
            "reports": project.reports.all(),
            "remaining": ledger.balance(ledger.committed(project.reference)),
            "can_manage": permissions.can(request.user, "fund.manage", project),
            "can_report": permissions.can(request.user, "proposal.edit", project),
        },
    )


@require_POST
@permissions.guard("proposal.view", load=project_from_id)
def project_act(request: HttpRequest, project_id: int, obj: Project) -> HttpResponse:
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
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded."))
    return redirect("fund:project_detail", project_id=obj.pk)
