"""A person's private calendar feed: the deadlines of their work and the events they
registered for, in any calendar program, through the secret link they made.

The link is a credential that any program holding it can read, with no session and so no
second factor: each entry says only what is due (the kind of task and its reference) and
links to the page where the person, signed in, acts on it.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from equalfooting import permissions
from equalfooting.core.errors import NotFound
from equalfooting.programmes import ical
from equalfooting.programmes.calendar_views import ics_response
from equalfooting.programmes.events import calendar_link_owner
from equalfooting.programmes.models import Event, Registration

from . import work


def dues_of(person: object, *, base: str, domain: str) -> list[ical.Due]:
    """The deadlines of the person's work, for each verified role they hold (as on My work)."""
    now = timezone.now()
    roles = permissions.verified_roles(person)
    kinds = {r.kind for r in roles}
    sections = []
    if permissions.SECRETARIAT in kinds:
        sections.append(work.secretariat_work(now))
    if permissions.FOCAL_POINT in kinds:
        sections.append(work.focal_point_work(permissions.focal_point_states(person), now))
    if permissions.PROVIDER in kinds:
        providers = {r.provider_id for r in roles if r.kind == permissions.PROVIDER}
        sections.append(work.provider_work(providers))
    if permissions.REVIEWER in kinds:
        sections.append(work.reviewer_work(person))
    dues = []
    for section in sections:
        for item in section.items:
            if item.due_at is None:
                continue
            key = hashlib.sha256(f"{item.what}|{item.reference}|{item.link}".encode()).hexdigest()
            dues.append(
                ical.Due(
                    uid=f"due-{key[:32]}@{domain}",
                    summary=f"{item.what}: {item.reference}",
                    due_at=item.due_at,
                    url=base + item.link,
                )
            )
    return dues


@require_safe
def private_feed(request: HttpRequest, secret: str) -> HttpResponse:
    person = calendar_link_owner(secret)
    if person is None:
        raise NotFound(_("This calendar link does not exist, or was replaced by a newer one."))
    domain = request.get_host().split(":")[0]
    registered = Event.objects.filter(
        registrations__person=person,
        registrations__status=Registration.Status.REGISTERED,
    ).exclude(status=Event.Status.DRAFT)
    body = ical.feed(
        registered.select_related("region"),
        name=_("My deadlines and events"),
        base=request.build_absolute_uri(reverse("programmes:calendar")),
        domain=domain,
        dues=dues_of(person, base=request.build_absolute_uri("/").rstrip("/"), domain=domain),
    )
    response = ics_response(body, "my-calendar.ics")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
