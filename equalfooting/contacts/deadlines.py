"""What a contact check's deadline means: the reminders before, and the lapse after.

A point of contact acknowledges a check within `EF_CONTACT_CHECK_DAYS` of its sending. The
State's focal points are reminded (7 and 2 days before, by default) and told when a check
lapses, so they can see to the directory entry; the contact's name is all the notice names,
and focal points of that State see it in the directory anyway. Registered with the deadlines
part from `ContactsConfig.ready`.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equalfooting import permissions
from equalfooting.accounts.selectors import focal_points_of
from equalfooting.audit.services import audit_append
from equalfooting.deadlines import kinds
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadline_lapse
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from .models import ContactCheck
from .selectors import CHECK_KIND, CHECK_OBJECT

SCHEDULER = permissions.SYSTEM_SCHEDULER


def _check(deadline: Deadline, *, lock: bool = False) -> ContactCheck | None:
    found = ContactCheck.objects.select_related("contact")
    if lock:
        found = found.select_for_update(of=("self",))
    return found.filter(pk=int(deadline.object_id)).first()


def remind(deadline: Deadline, days_left: int) -> None:
    """Tell the State's focal points that its contact has not yet acknowledged the check."""
    check = _check(deadline)
    if check is None or check.acknowledged_at is not None:
        return
    notify(
        kind=Notification.Kind.DEADLINE_REMINDER,
        recipients=focal_points_of(state=check.contact.state_id),
        about=deadline,
        context={
            "what": Deadline.Kind(deadline.kind).label,
            "reference": check.contact.name,
            "due": deadline.due_at.strftime("%Y-%m-%d %H:%M"),
            "days": days_left,
        },
        link=reverse("contacts:directory"),
    )


def lapse(deadline: Deadline, now: dt.datetime) -> None:
    """The contact did not acknowledge in time: the check lapses, and the focal points are told."""
    check = _check(deadline, lock=True)
    if deadline_lapse(actor=SCHEDULER, deadline=deadline, now=now) is None:
        return  # acknowledged meanwhile, or not yet due
    if check is None or check.acknowledged_at is not None:
        return  # the round was deleted, or the answer came as the deadline passed
    check.lapsed_at = now
    check.save(update_fields=["lapsed_at"])
    audit_append(
        actor=SCHEDULER,
        action="contacts.check.lapse",
        object_type=CHECK_OBJECT,
        object_id=str(check.pk),
        state={
            "round": check.round_id,
            "contact": check.contact_id,
            "deadline": deadline.pk,
            "lapsed_at": now.isoformat(),
        },
    )
    notify(
        kind=Notification.Kind.DEADLINE_LAPSED,
        recipients=focal_points_of(state=check.contact.state_id),
        about=deadline,
        context={
            "what": Deadline.Kind(deadline.kind).label,
            "reference": check.contact.name,
            "consequence": _(
                "The point of contact did not confirm in time; please check the directory entry."
            ),
        },
        link=reverse("contacts:directory"),
    )


def register() -> None:
    kinds.handles(CHECK_KIND, remind=remind, lapse=lapse)
