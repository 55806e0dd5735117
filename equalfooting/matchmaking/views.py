from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.paging import keyset_page
from equalfooting.core.responses import json_download
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.selectors import deadlines_open
from equalfooting.jobs.selectors import jobs_unfinished

from . import forms, selectors, services
from .explanations import explanations_of, worded
from .models import Match, Round
from .selectors import match_from_id, matching_round_from_id


def _back(request: HttpRequest, match: Match) -> str:
    """Where a decision returns: the page it was taken from (round, request or offer page) when
    that page is on this site, else the match's round."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("matchmaking:round_detail", kwargs={"round_id": match.round_id})


@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    can_run = permissions.can(request.user, "round.run")
    return render(
        request,
        "matchmaking/round_list.html",
        {
            "rounds": keyset_page(selectors.matching_rounds_visible(user=request.user), request),
            "can_run": can_run,
            # Rounds being solved by a worker: their job pages show how far each has got.
            "solving": jobs_unfinished(handler=services.ROUND_SOLVE) if can_run else [],
        },
    )


@require_safe
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.matching_round_visible(user=request.user, round_id=round_id)
    rows = []
    matches = list(selectors.round_matches(round_=round_))
    # Each side's open deadline to answer (two queries for the page).
    state_due = deadlines_open(
        kind=Deadline.Kind.MATCH_STATE_ANSWER, object_type="match", ids=matches
    )
    provider_due = deadlines_open(
        kind=Deadline.Kind.MATCH_PROVIDER_CONFIRM, object_type="match", ids=matches
    )
    explanations = explanations_of(round_.solution)
    for m in matches:
        rows.append(
            {
                "match": m,
                "explanation": explanations.get(m.request.reference, worded(None, m.explanation)),
                "state_due": state_due.get(str(m.pk)),
                "provider_due": provider_due.get(str(m.pk)),
                "state_can": m.awaits_state
                and permissions.can(request.user, "match.state_decide", m),
                "provider_can": m.awaits_provider
                and permissions.can(request.user, "match.provider_decide", m),
                "can_report": m.agreed
                and (
                    permissions.can(request.user, "match.state_decide", m)
                    or permissions.can(request.user, "match.provider_decide", m)
                ),
            }
        )
    solution = round_.solution
    return render(
        request,
        "matchmaking/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "solution": solution,
            "unmatched": {ref: text for ref, text in explanations.items() if not text.full},
            "can_run": permissions.can(request.user, "round.run"),
        },
    )


@require_safe
def round_file(request: HttpRequest, round_id: int, name: str) -> HttpResponse:
    round_ = selectors.matching_round_visible(user=request.user, round_id=round_id)
    content = {
        "problem": round_.problem,
        "solution": round_.solution,
        "parameters": round_.parameters,
    }.get(name)
    if content is None:
        raise NotFound(_("No such file."))
    return json_download(content, f"round-{round_.pk}-{name}.json")


@require_POST
@permissions.guard("round.run")
def round_open(request: HttpRequest) -> HttpResponse:
    try:
        job = services.round_open(
            actor=request.user, fairness=request.POST.get("fairness", "max-min-state")
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matchmaking:round_list")
    if job.status == job.Status.SUCCESSFUL:  # solved already (a job run at once)
        messages.success(request, _("The round was solved. Review the proposal, then publish it."))
        return redirect("matchmaking:round_detail", round_id=job.outcome["id"])
    messages.success(
        request, _("The round is being solved. This page shows when the proposal is ready.")
    )
    return redirect("jobs:job_detail", job_id=job.pk)


@require_POST
@permissions.guard("round.run", load=matching_round_from_id)
def round_decide(request: HttpRequest, round_id: int, obj: Round) -> HttpResponse:
    """Publish the round. Discarding asks for confirmation on a page of its own."""
    if request.POST.get("action") != "publish":
        return redirect("matchmaking:round_discard", round_id=obj.pk)
    # A round no longer proposed raises TransitionNotAllowed: the 409 page says why.
    services.round_publish(actor=request.user, round_=obj)
    messages.success(request, _("The round was published. States and providers can now decide."))
    return redirect("matchmaking:round_detail", round_id=obj.pk)


@require_http_methods(["GET", "POST"])
@permissions.guard("round.run", load=matching_round_from_id)
def round_discard(request: HttpRequest, round_id: int, obj: Round) -> HttpResponse:
    """Discarding a round cannot be undone: a page of its own asks for confirmation."""
    if request.method == "POST":
        # A round no longer proposed raises TransitionNotAllowed: the 409 page says why.
        services.round_discard(actor=request.user, round_=obj)
        messages.success(request, _("The round was discarded."))
        return redirect("matchmaking:round_detail", round_id=obj.pk)
    return render(request, "matchmaking/round_discard.html", {"round": obj})


def _decision_recorded(
    request: HttpRequest, match: Match, decide: Callable[[], Any]
) -> HttpResponse:
    """Record a decision or a delivery report and go back to the page it was taken from.

    A decision already taken, or one the other side's decline has closed, raises
    TransitionNotAllowed: the 409 page says why.
    """
    try:
        decide()
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your decision was recorded."))
    return HttpResponseRedirect(_back(request, match))


@require_POST
@permissions.guard("match.state_decide", load=match_from_id)
def match_state(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    """The State accepts; a decline without its reason is sent to the decline page."""
    accept = request.POST.get("decision") == "accept"
    if not accept and not request.POST.get("reason"):
        return _to_decline_page(request, "matchmaking:match_state_decline", obj)
    return _decision_recorded(
        request,
        obj,
        lambda: services.match_state_decide(
            actor=request.user,
            match=obj,
            accept=accept,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ),
    )


@require_POST
@permissions.guard("match.provider_decide", load=match_from_id)
def match_provider(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    """The provider confirms; a decline without its reason is sent to the decline page."""
    confirm = request.POST.get("decision") == "confirm"
    if not confirm and not request.POST.get("reason"):
        return _to_decline_page(request, "matchmaking:match_provider_decline", obj)
    return _decision_recorded(
        request,
        obj,
        lambda: services.match_provider_decide(
            actor=request.user,
            match=obj,
            confirm=confirm,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ),
    )


def _to_decline_page(request: HttpRequest, name: str, match: Match) -> HttpResponse:
    url = reverse(name, kwargs={"match_id": match.pk})
    return HttpResponseRedirect(f"{url}?{urlencode({'next': _back(request, match)})}")


def _decline_page(
    request: HttpRequest,
    match: Match,
    form: forms.DeclineForm,
    decline: Callable[[forms.DeclineForm], Any],
    *,
    side: str,
) -> HttpResponse:
    """A decline cannot be undone: a page of its own shows the match, asks for the reason and
    offers a way back. A decision already taken raises TransitionNotAllowed (the 409 page)."""
    awaits = match.awaits_state if side == "state" else match.awaits_provider
    if request.method == "GET" and not (awaits and match.round.status == Round.Status.PUBLISHED):
        raise TransitionNotAllowed(_("This match no longer awaits your answer."))
    if request.method == "POST" and form.is_valid():
        try:
            decline(form)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your decision was recorded."))
            return HttpResponseRedirect(_back(request, match))
    return render(
        request,
        "matchmaking/match_decline.html",
        {
            "match": match,
            "form": form,
            "back": _back(request, match),
            "legal_note": side == "provider",
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("match.state_decide", load=match_from_id)
def match_state_decline(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    return _decline_page(
        request,
        obj,
        forms.state_decline_form(request.POST or None),
        lambda form: services.match_state_decide(
            actor=request.user,
            match=obj,
            accept=False,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        side="state",
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("match.provider_decide", load=match_from_id)
def match_provider_decline(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    return _decline_page(
        request,
        obj,
        forms.provider_decline_form(request.POST or None),
        lambda form: services.match_provider_decide(
            actor=request.user,
            match=obj,
            confirm=False,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        side="provider",
    )


@require_POST
@permissions.guard("match.report", load=match_from_id)
def match_report(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    return _decision_recorded(
        request,
        obj,
        lambda: services.match_report(
            actor=request.user, match=obj, event=request.POST.get("event", "")
        ),
    )


@require_safe
def decline_statistics(request: HttpRequest) -> HttpResponse:
    """Declines by reason, published in aggregate (legal restrictions included), and lapses."""
    figures = selectors.decline_figures()
    rows = [
        {"label": label, "count": figures["by_reason"].get(code, 0)}
        for code, label in Match.DeclineReason.choices
    ]
    state_rows = [
        {"label": label, "count": figures["state_by_reason"].get(code, 0)}
        for code, label in Match.StateDeclineReason.choices
    ]
    if figures["state_by_reason"].get(""):  # declines recorded before reasons were asked
        state_rows.append({"label": _("Not recorded"), "count": figures["state_by_reason"][""]})
    return render(
        request,
        "matchmaking/declines.html",
        {
            "rows": rows,
            "state_rows": state_rows,
            "total": figures["total"],
            "state_declines": figures["state_declines"],
            "queued": figures["queued"],
            "agreed": figures["agreed"],
            "lapse_rows": [
                {"label": _("The State did not answer in time"), "count": figures["state_lapses"]},
                {
                    "label": _("The provider did not answer in time"),
                    "count": figures["provider_lapses"],
                },
            ],
            "answer_days": settings.EF_DEADLINE_DAYS[Deadline.Kind.MATCH_STATE_ANSWER],
            "confirm_days": settings.EF_DEADLINE_DAYS[Deadline.Kind.MATCH_PROVIDER_CONFIRM],
        },
    )


@require_safe
@permissions.guard("fund.queue.view")
def priority_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "fund/priority_queue.html", {"entries": selectors.priority_entries()})
