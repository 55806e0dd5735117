from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from equalfooting import permissions
from equalfooting.core.errors import InvalidInput, NotFound
from equalfooting.core.responses import json_download

from . import selectors, services
from .models import Match, Round
from .selectors import match_from_id, matching_round_from_id


@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matchmaking/round_list.html",
        {
            "rounds": selectors.matching_rounds_visible(user=request.user),
            "can_run": permissions.can(request.user, "round.run"),
        },
    )


@require_safe
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.matching_round_visible(user=request.user, round_id=round_id)
    rows = []
    for m in selectors.round_matches(round_=round_):
        rows.append(
            {
                "match": m,
                "state_can": m.state_decision == Match.StateDecision.PENDING
                and permissions.can(request.user, "match.state_decide", m),
                "provider_can": m.provider_decision == Match.ProviderDecision.PENDING
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
            "unmatched": {
                k: v
                for k, v in solution.get("explanations", {}).items()
                if not v.startswith("Matched in full")
            },
            "can_run": permissions.can(request.user, "round.run"),
            "reasons": Match.DeclineReason.choices,
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
        round_ = services.round_open(
            actor=request.user, fairness=request.POST.get("fairness", "max-min-state")
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matchmaking:round_list")
    messages.success(request, _("The round was solved. Review the proposal, then publish it."))
    return redirect("matchmaking:round_detail", round_id=round_.pk)


@require_POST
@permissions.guard("round.run", load=matching_round_from_id)
def round_decide(request: HttpRequest, round_id: int, obj: Round) -> HttpResponse:
    # A round no longer proposed raises TransitionNotAllowed: the 409 page says why.
    if request.POST.get("action") == "publish":
        services.round_publish(actor=request.user, round_=obj)
        messages.success(
            request, _("The round was published. States and providers can now decide.")
        )
    else:
        services.round_discard(actor=request.user, round_=obj)
        messages.success(request, _("The round was discarded."))
    return redirect("matchmaking:round_detail", round_id=obj.pk)


def _decision_recorded(
    request: HttpRequest, match: Match, decide: Callable[[], Any]
) -> HttpResponse:
    """Record a decision or a delivery report and go back to the round.

    A decision already taken raises TransitionNotAllowed: the 409 page says why.
    """
    try:
        decide()
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your decision was recorded."))
    return redirect("matchmaking:round_detail", round_id=match.round_id)


@require_POST
@permissions.guard("match.state_decide", load=match_from_id)
def match_state(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    accept = request.POST.get("decision") == "accept"
    return _decision_recorded(
        request,
        obj,
        lambda: services.match_state_decide(
            actor=request.user, match=obj, accept=accept, note=request.POST.get("note", "")
        ),
    )


@require_POST
@permissions.guard("match.provider_decide", load=match_from_id)
def match_provider(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    confirm = request.POST.get("decision") == "confirm"
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
    """Declines by reason, published in aggregate — including legal restrictions."""
    figures = selectors.decline_figures()
    rows = [
        {"label": label, "count": figures["by_reason"].get(code, 0)}
        for code, label in Match.DeclineReason.choices
    ]
    return render(
        request,
        "matchmaking/declines.html",
        {
            "rows": rows,
            "total": figures["total"],
            "state_declines": figures["state_declines"],
            "queued": figures["queued"],
            "agreed": figures["agreed"],
        },
    )


@require_safe
@permissions.guard("fund.queue.view")
def priority_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "fund/priority_queue.html", {"entries": selectors.priority_entries()})
