"""The calendar's pages: the events, one event (and registering for it), the Secretariat's
form, a person's private link, and the public iCalendar feed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.i18n import pick
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label
from equalfooting.registry.models import Region, State

from . import events, ical, selectors, sponsorship, workflow
from .forms import EventForm, SponsorshipApplicationForm, SponsorshipCallForm
from .models import Event, Registration, SponsorshipApplication, SponsorshipCall
from .selectors import event_from_id

FILTERS = ("theme", "region", "kind")
# A feed holds the events of the past year and all to come (calendar programs keep the rest).
FEED_PAST = dt.timedelta(days=365)


def _chosen(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:40] for name in FILTERS}


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    chosen = _chosen(request)
    past = request.GET.get("past") == "1"
    now = timezone.now()
    rows = selectors.calendar_events(
        theme=chosen["theme"],
        region=chosen["region"],
        kind=chosen["kind"],
        drafts=permissions.can(request.user, "event.manage"),
        since=None if past else now,
        until=now if past else None,
    )
    # Coming events soonest first; past ones, the latest first.
    shown = list(rows.reverse()[:200]) if past else list(rows[:200])
    query = "&".join(f"{name}={value}" for name, value in chosen.items() if value)
    return render(
        request,
        "programmes/calendar.html",
        {
            "events": [
                (
                    e,
                    [theme_label(t) for t in e.themes],
                    [languages.name(c) for c in e.interpretation],
                )
                for e in shown
            ],
            "chosen": chosen,
            "past": past,
            "feed_query": query,
            "filters": {
                "theme": [(d.code, pick(d.name)) for d in fw.load().dimensions],
                "region": [(r.m49, r.name) for r in Region.objects.filter(parent__isnull=True)],
                "kind": Event.Kind.choices,
            },
            "can_manage": permissions.can(request.user, "event.manage"),
            "can_link": permissions.can(request.user, "calendar.link"),
        },
    )


def _sponsorship(
    request: HttpRequest,
    event: Event,
    *,
    open_form: SponsorshipCallForm | None = None,
    apply_form: SponsorshipApplicationForm | None = None,
) -> dict[str, Any]:
    """The event page's part on sponsorship: the call, and what the reader may do with it."""
    user = request.user
    call = SponsorshipCall.objects.filter(event=event).first()
    manage = permissions.can(user, "sponsorship.manage", event)
    if call is None:
        can_open = manage and event.status == Event.Status.PUBLISHED
        return {
            "call": None,
            "open_form": (open_form or SponsorshipCallForm()) if can_open else None,
        }
    state = _applicant_state(user)
    can_apply = (
        state is not None
        and call.is_open
        and timezone.now() < call.closes_at
        and permissions.can(user, "sponsorship.apply", state)
    )
    mine = call.applications.filter(state=state).order_by("rank", "pk") if state is not None else []
    return {
        "call": call,
        "applying_for": state,
        # The next place in the State's order is offered first.
        "apply_form": (
            apply_form
            or SponsorshipApplicationForm(
                initial={"rank": min(len([a for a in mine if a.is_submitted]) + 1, 5)}
            )
        )
        if can_apply
        else None,
        "my_applications": mine,
        "applications": call.applications.select_related("state").order_by("state__iso3", "rank")
        if manage
        else None,
        "can_select": manage and call.is_open and timezone.now() >= call.closes_at,
        "aggregates": sponsorship.aggregates(call) if call.is_selected else None,
    }


def _applicant_state(user: Any) -> State | None:
    """The State a focal point applies for: the first of theirs, by code."""
    states = permissions.focal_point_states(user) if user.is_authenticated else set()
    return State.objects.filter(pk__in=states).order_by("iso3").first() if states else None


def _render_event(
    request: HttpRequest, event: Event, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    mine = (
        Registration.objects.filter(event=event, person=user).first()
        if user.is_authenticated
        else None
    )
    can_manage = permissions.can(user, "event.manage", event)
    return render(
        request,
        "programmes/event_detail.html",
        {
            "event": event,
            "themes": [theme_label(t) for t in event.themes],
            "interpretation": [languages.name(c) for c in event.interpretation],
            "registration_open": events.registration_open(event),
            "places_left": events.places_left(event),
            "is_registered": mine is not None and mine.is_registered,
            "can_register": permissions.can(user, "event.register", event),
            "can_manage": can_manage,
            "steps": [
                (target, workflow.EVENT_ACTIONS[target])
                for target in sorted(workflow.EVENT_TRANSITIONS[event.status])
            ]
            if can_manage
            else [],
            "registrations": event.registrations.filter(status=Registration.Status.REGISTERED)
            .select_related("person")
            .order_by("registered_at")
            if can_manage
            else None,
            "sponsorship": _sponsorship(request, event, **forms),
        },
        status=status,
    )


@require_safe
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_from_id(event_id=event_id)
    if not permissions.can(request.user, "event.view", event):
        raise NotFound(_("No such event."))
    return _render_event(request, event)


@require_http_methods(["GET", "POST"])
@permissions.guard("event.manage")
def event_form(request: HttpRequest, event_id: int | None = None) -> HttpResponse:
    event = event_from_id(event_id=event_id) if event_id else None
    initial = EventForm.initial_from(event) if event else {}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = events.event_save(actor=request.user, event=event, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("programmes:event_detail", event_id=saved.pk)
    return render(
        request,
        "programmes/event_form.html",
        {"form": form, "event": event, "time_zones": sorted(events.time_zones())},
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("event.manage", load=event_from_id)
def event_transition(request: HttpRequest, event_id: int, obj: Event) -> HttpResponse:
    try:
        events.event_transition(
            actor=request.user, event=obj, target=request.POST.get("target", "")
        )
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("programmes:event_detail", event_id=obj.pk)


@require_POST
@permissions.guard("event.register", load=event_from_id)
def event_register(request: HttpRequest, event_id: int, obj: Event) -> HttpResponse:
    try:
        if request.POST.get("cancel"):
            events.registration_cancel(actor=request.user, event=obj)
            messages.success(request, _("Your registration was withdrawn."))
        else:
            events.registration_create(actor=request.user, event=obj)
            messages.success(request, _("You are registered."))
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_event(request, obj, status=422)
    return redirect("programmes:event_detail", event_id=obj.pk)


@require_http_methods(["GET", "POST"])
@login_required
@permissions.guard("calendar.link")
def calendar_link(request: HttpRequest) -> HttpResponse:
    secret = None
    if request.method == "POST":
        secret = events.calendar_link_make(actor=request.user)
    return render(
        request,
        "programmes/calendar_link.html",
        {
            "has_link": hasattr(request.user, "calendar_link"),
            "link": request.build_absolute_uri(
                reverse("calendar_private_feed", kwargs={"secret": secret})
            )
            if secret
            else None,
        },
    )


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The public events as iCalendar: all, or one theme, region or kind (as the page)."""
    chosen = _chosen(request)
    rows = selectors.calendar_events(
        theme=chosen["theme"],
        region=chosen["region"],
        kind=chosen["kind"],
        since=timezone.now() - FEED_PAST,
    )
    names = [_("Equal Footing calendar")]
    if chosen["theme"]:
        names.append(theme_label(chosen["theme"]))
    if chosen["region"]:
        names.extend(r.name for r in Region.objects.filter(m49=chosen["region"]))
    if chosen["kind"] in Event.Kind.values:
        names.append(str(Event.Kind(chosen["kind"]).label))
    body = ical.feed(
        rows,
        name=" — ".join(names),
        base=request.build_absolute_uri(reverse("programmes:calendar")),
        domain=request.get_host().split(":")[0],
    )
    return ics_response(body, "calendar.ics")


def _say_refusal(request: HttpRequest, exc: InvalidInput | TransitionNotAllowed) -> None:
    """A refused step, told on the page it leads back to."""
    messages.error(request, " ".join(exc.messages) if isinstance(exc, InvalidInput) else str(exc))


@require_POST
@permissions.guard("sponsorship.manage", load=event_from_id)
def sponsorship_open(request: HttpRequest, event_id: int, obj: Event) -> HttpResponse:
    form = SponsorshipCallForm(request.POST)
    if form.is_valid():
        try:
            sponsorship.call_open(actor=request.user, event=obj, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The sponsorship call is open."))
            return redirect("programmes:event_detail", event_id=obj.pk)
    return _render_event(request, obj, status=422, open_form=form)


@require_POST
@login_required
def sponsorship_apply(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_from_id(event_id=event_id)
    call = SponsorshipCall.objects.filter(event=event).first()
    state = _applicant_state(request.user)
    if call is None or state is None:
        raise NotFound(_("No such sponsorship call."))
    permissions.require(request.user, "sponsorship.apply", state)
    form = SponsorshipApplicationForm(request.POST)
    if form.is_valid():
        try:
            sponsorship.application_submit(
                actor=request.user, call=call, state=state, **form.cleaned_data
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The application was submitted."))
            return redirect("programmes:event_detail", event_id=event.pk)
    return _render_event(request, event, status=422, apply_form=form)


@require_POST
@login_required
def sponsorship_withdraw(request: HttpRequest, event_id: int, application_id: int) -> HttpResponse:
    application = SponsorshipApplication.objects.filter(
        pk=application_id, call__event_id=event_id
    ).first()
    if application is None:
        raise NotFound(_("No such application."))
    try:
        sponsorship.application_withdraw(actor=request.user, application=application)
    except (InvalidInput, TransitionNotAllowed) as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("programmes:event_detail", event_id=event_id)


@require_POST
@permissions.guard("sponsorship.manage", load=event_from_id)
def sponsorship_select(request: HttpRequest, event_id: int, obj: Event) -> HttpResponse:
    call = SponsorshipCall.objects.filter(event=obj).first()
    if call is None:
        raise NotFound(_("No such sponsorship call."))
    try:
        sponsorship.call_select(actor=request.user, call=call)
    except (InvalidInput, TransitionNotAllowed) as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("The places were decided by the published rule."))
    return redirect("programmes:event_detail", event_id=obj.pk)


@require_safe
def sponsorship_file(request: HttpRequest, event_id: int, which: str) -> HttpResponse:
    """The published selection file (`selection`) or its decisions (`decisions`), as JSON."""
    call = SponsorshipCall.objects.filter(event_id=event_id).first()
    if call is None or not call.is_selected or which not in ("selection", "decisions"):
        raise NotFound(_("No such file."))
    data = call.selection_input if which == "selection" else call.selection_result
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="sponsorship-{call.event.reference}-{which}.json"'
    )
    return response
