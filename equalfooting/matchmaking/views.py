from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from equalfooting import permissions
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.core.responses import json_download
from equalfooting.fund.models import PriorityEntry

from . import services
from .models import Match, Round


def round_from_id(*, round_id: int, **_ignored: Any) -> Round:
    found = Round.objects.filter(pk=round_id).first()
    if found is None:
        raise Http404(_("No such round."))
    return found


def match_from_id(*, match_id: int, **_ignored: Any) -> Match:
    found = (
        Match.objects.select_related("round", "request__state", "offer__provider")
        .filter(pk=match_id)
        .first()
    )
    if found is None:
        raise Http404(_("No such match."))
    return found


def _visible_round(request: HttpRequest, round_id: int) -> Round:
    round_ = round_from_id(round_id=round_id)
    if round_.status != Round.Status.PUBLISHED and not permissions.can(request.user, "round.run"):
        raise Http404(_("No such round."))
    return round_


@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.annotate(n=Count("matches"), units=Sum("matches__units"))
    if not permissions.can(request.user, "round.run"):
        rounds = rounds.filter(status=Round.Status.PUBLISHED)
    return render(
        request,
        "matchmaking/round_list.html",
        {
            "rounds": rounds,
            "can_run": permissions.can(request.user, "round.run"),
        },
    )


@require_safe
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _visible_round(request, round_id)
    rows = []
    for m in round_.matches.select_related("request__state", "offer__provider"):
        rows.append(
            {
                "match": m,
                "state_can": m.state_decision == "pending"
                and permissions.can(request.user, "match.state_decide", m),
                "provider_can": m.provider_decision == "pending"
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
    round_ = _visible_round(request, round_id)
    content = {
        "problem": round_.problem,
        "solution": round_.solution,
        "parameters": round_.parameters,
    }.get(name)
    if content is None:
        raise Http404(_("No such file."))
    return json_download(content, f"round-{round_.pk}-{name}.json")


@require_POST
@permissions.guard("round.run")
def round_open(request: HttpRequest) -> HttpResponse:
    try:
        round_ = services.round_open(
            actor=request.user, fairness=request.POST.get("fairness", "max-min-state")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matchmaking:round_list")
    messages.success(request, _("The round was solved. Review the proposal, then publish it."))
    return redirect("matchmaking:round_detail", round_id=round_.pk)


@require_POST
@permissions.guard("round.run", load=round_from_id)
def round_decide(request: HttpRequest, round_id: int, obj: Round) -> HttpResponse:
    try:
        if request.POST.get("action") == "publish":
            services.round_publish(actor=request.user, round_=obj)
            messages.success(
                request, _("The round was published. States and providers can now decide.")
            )
        else:
            services.round_discard(actor=request.user, round_=obj)
            messages.success(request, _("The round was discarded."))
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("matchmaking:round_detail", round_id=obj.pk)


def _decided(request: HttpRequest, match: Match, action: Any) -> HttpResponse:
    try:
        action()
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        response = redirect("matchmaking:round_detail", round_id=match.round_id)
        response.status_code = 303
        return response
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your decision was recorded."))
    return redirect("matchmaking:round_detail", round_id=match.round_id)


@require_POST
@permissions.guard("match.state_decide", load=match_from_id)
def match_state(request: HttpRequest, match_id: int, obj: Match) -> HttpResponse:
    accept = request.POST.get("decision") == "accept"
    return _decided(
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
    return _decided(
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
    return _decided(
        request,
        obj,
        lambda: services.match_report(
            actor=request.user, match=obj, event=request.POST.get("event", "")
        ),
    )


@require_safe
def decline_statistics(request: HttpRequest) -> HttpResponse:
    """Declines by reason, published in aggregate — including legal restrictions."""
    counts = dict(
        Match.objects.filter(provider_decision="declined")
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
    )
    total = Match.objects.filter(round__status="published").count()
    state_declines = Match.objects.filter(state_decision="declined").count()
    rows = [
        {"label": label, "count": counts.get(code, 0)}
        for code, label in Match.DeclineReason.choices
    ]
    return render(
        request,
        "matchmaking/declines.html",
        {
            "rows": rows,
            "total": total,
            "state_declines": state_declines,
            "queued": PriorityEntry.objects.count(),
            "agreed": Match.objects.filter(
                Q(state_decision="accepted") & Q(provider_decision="confirmed")
            ).count(),
        },
    )


@require_safe
@permissions.guard("fund.queue.view")
def priority_queue(request: HttpRequest) -> HttpResponse:
    entries = PriorityEntry.objects.select_related("request__state", "match__offer__provider")
    return render(request, "fund/priority_queue.html", {"entries": entries})
