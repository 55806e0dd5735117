"""Pages of the fund: its figures, allocation rounds, the ledger and the Secretariat's desk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
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
from equalfooting.core.paging import keyset_page
from equalfooting.core.periods import Period
from equalfooting.core.responses import json_download
from equalfooting.needs import framework as fw
from equalfooting.registry.selectors import state_from_iso3

from . import allocation_rounds, figures, ledger, selectors, services, wording
from .models import FUND_CURRENCY, AllocationRound, Contributor
from .selectors import allocation_round_from_id


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "fund/overview.html",
        {
            "figures": figures.money_figures(Period.ever()),
            "months": figures.money_figures_by_month(Period.ever()),
            "available": ledger.balance(ledger.AVAILABLE),
            "Flow": figures.Flow,
            "contributors": selectors.contributors_by_total(),
            "rounds": selectors.allocation_rounds_visible(user=request.user),
            "projects": selectors.projects_latest(limit=100),
            "can_manage": permissions.can(request.user, "fund.manage"),
        },
    )


@require_safe
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.allocation_round_visible(user=request.user, round_id=round_id)
    return render(
        request,
        "fund/round_detail.html",
        {
            "round": round_,
            "lines": [
                {**line, "bound_by": wording.binding(line["binding"])}
                for line in selectors.allocation_round_lines(round_=round_)
            ],
            "parameters": wording.parameters(round_.inputs),
            "excluded": {
                iso3: wording.excluded(why)
                for iso3, why in round_.sources.get("excluded", {}).items()
            },
            "can_manage": permissions.can(request.user, "fund.manage"),
        },
    )


@require_safe
def round_file(request: HttpRequest, round_id: int, name: str) -> HttpResponse:
    round_ = selectors.allocation_round_visible(user=request.user, round_id=round_id)
    content = {
        "inputs": round_.inputs,
        "result": round_.result,
        "keys": round_.keys,
        "sources": round_.sources,
    }.get(name)
    if content is None:
        raise NotFound(_("No such file."))
    return json_download(content, f"allocation-{round_.pk}-{name}.json")


@require_safe
def state_explanation(request: HttpRequest, round_id: int, iso3: str) -> HttpResponse:
    round_ = selectors.allocation_round_visible(user=request.user, round_id=round_id)
    state = state_from_iso3(iso3=iso3)
    found = selectors.state_in_allocation_round(round_=round_, state=state)
    return render(
        request,
        "fund/state_explanation.html",
        {
            "round": round_,
            "state": state,
            **found,
            "bound_by": wording.binding(found["line"]["binding"]),
            "derivation": wording.derivation(round_.inputs, found["entry"], found["line"]),
            "sources": {name: wording.source(v) for name, v in found["sources"].items()},
            "groups": [wording.group(code) for code in found["entry"].get("groups", [])],
        },
    )


@require_safe
def ledger_list(request: HttpRequest) -> HttpResponse:
    page = keyset_page(selectors.ledger_movements(), request)
    page.object_list = wording.with_account_names(page.object_list)
    return render(request, "fund/ledger.html", {"page": page})


class PledgeForm(forms.Form):
    contributor = forms.CharField(label=gettext_lazy("Contributor"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Contributor.Kind.choices)
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30)
    currency = forms.CharField(
        label=gettext_lazy("Currency (ISO 4217)"), max_length=3, initial=FUND_CURRENCY
    )
    theme = forms.ChoiceField(label=gettext_lazy("Soft earmark (theme)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = [("", "—")] + [(d.code, pick(d.name)) for d in fw.load().dimensions]
        self.fields["theme"].choices = themes  # type: ignore[attr-defined]


class RateForm(forms.Form):
    currency = forms.CharField(label=gettext_lazy("Currency (ISO 4217)"), max_length=3)
    rate = forms.CharField(
        label=gettext_lazy("Units of the fund's currency per unit"), max_length=30
    )
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300)


class AllocationForm(forms.Form):
    envelope = forms.CharField(label=gettext_lazy("Envelope"), max_length=30)
    base_share = forms.CharField(
        label=gettext_lazy("Equal base share"), initial="0.2", max_length=10
    )
    alpha = forms.CharField(label=wording.PARAMETERS["alpha"], initial="1", max_length=10)
    beta = forms.CharField(label=wording.PARAMETERS["beta"], initial="0.5", max_length=10)
    gamma = forms.CharField(label=wording.PARAMETERS["gamma"], initial="0.125", max_length=10)
    floor_ldc = forms.CharField(label=gettext_lazy("Floor for LDCs"), required=False, max_length=30)
    floor_sids = forms.CharField(
        label=gettext_lazy("Floor for SIDS"), required=False, max_length=30
    )
    floor_lldc = forms.CharField(
        label=gettext_lazy("Floor for LLDCs"), required=False, max_length=30
    )
    cap_share = forms.CharField(
        label=gettext_lazy("Cap (share of the envelope)"), initial="0.05", max_length=10
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("fund.manage")
def manage(request: HttpRequest) -> HttpResponse:
    """The Secretariat's desk: rates, pledges and receipts, allocation rounds."""
    which = request.POST.get("form")
    pledge = PledgeForm(request.POST if which == "pledge" else None, prefix="pledge")
    rate = RateForm(request.POST if which == "rate" else None, prefix="rate")
    allocation = AllocationForm(
        request.POST if which == "allocation" else None, prefix="allocation"
    )
    try:
        if which == "pledge" and pledge.is_valid():
            data = pledge.cleaned_data
            contributor = services.contributor_ensure(
                actor=request.user, name=data["contributor"], kind=data["kind"]
            )
            services.contribution_pledge(
                actor=request.user,
                contributor=contributor,
                amount=data["amount"],
                currency=data["currency"],
                theme=data["theme"],
            )
            messages.success(request, _("The pledge was recorded."))
            return redirect("fund:manage")
        if which == "rate" and rate.is_valid():
            services.rate_record(actor=request.user, **rate.cleaned_data)
            messages.success(request, _("The rate was recorded."))
            return redirect("fund:manage")
        if which == "allocation" and allocation.is_valid():
            data = allocation.cleaned_data
            floors = {
                code: data[f"floor_{code.lower()}"]
                for code in ("LDC", "SIDS", "LLDC")
                if data[f"floor_{code.lower()}"]
            }
            round_ = allocation_rounds.round_prepare(
                actor=request.user,
                envelope=data["envelope"],
                base_share=data["base_share"],
                alpha=data["alpha"],
                beta=data["beta"],
                gamma=data["gamma"],
                floors=floors,
                cap_share=data["cap_share"],
            )
            messages.success(request, _("The allocation was computed. Review it, then publish it."))
            return redirect("fund:round_detail", round_id=round_.pk)
    except InvalidInput as exc:
        attach_errors(
            {"pledge": pledge, "rate": rate, "allocation": allocation}[which or "pledge"], exc
        )
    return render(
        request,
        "fund/manage.html",
        {
            "pledge": pledge,
            "rate": rate,
            "allocation": allocation,
            "pledges": selectors.pledges_awaiting_receipt(),
            "available": ledger.balance(ledger.AVAILABLE),
            "Flow": figures.Flow,
            "today": dt.date.today(),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@permissions.guard("fund.manage")
def receive(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = selectors.contribution_from_id(contribution_id=contribution_id)
    # A refusal (a receipt already recorded, say) is shown on the desk it came from.
    try:
        services.contribution_receive(actor=request.user, contribution=contribution)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The receipt was recorded."))
    return redirect("fund:manage")


@require_POST
@permissions.guard("fund.manage", load=allocation_round_from_id)
def round_publish(request: HttpRequest, round_id: int, obj: AllocationRound) -> HttpResponse:
    # A refusal (too little money available, or published already) is shown on the round's page.
    try:
        allocation_rounds.round_publish(actor=request.user, round_=obj)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The allocation was published: each State's envelope is set."))
    return redirect("fund:round_detail", round_id=obj.pk)


@require_http_methods(["GET", "POST"])
@permissions.guard("fund.manage", load=allocation_round_from_id)
def round_discard(request: HttpRequest, round_id: int, obj: AllocationRound) -> HttpResponse:
    """Discarding a round cannot be undone: a page of its own asks for confirmation."""
    if request.method == "POST":
        # A round no longer proposed raises TransitionNotAllowed: the 409 page says why.
        allocation_rounds.round_discard(actor=request.user, round_=obj)
        messages.success(request, _("The allocation round was discarded."))
        return redirect("fund:round_detail", round_id=obj.pk)
    return render(request, "fund/round_discard.html", {"round": obj})
