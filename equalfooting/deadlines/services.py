"""Writes of deadlines: opening, closing, the reminders and the lapses of the scheduler's pass.

Locks are always taken in one order, the owner's object first and then its deadline, so that a
person acting at the moment a deadline lapses never deadlocks with the scheduler: the owner's
service locks its object and calls `deadline_close`; a lapse handler locks the same object and
calls `deadline_lapse`. Whichever comes second finds the deadline closed and does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import TransitionNotAllowed

from . import kinds, workflow
from .models import Deadline

logger = logging.getLogger(__name__)
Status = Deadline.Status


def _object_key(about: Any) -> str:
    return str(getattr(about, "pk", about))


def _audit(deadline: Deadline, *, actor: Any) -> None:
    audit_append(
        actor=actor,
        action=f"deadlines.deadline.{deadline.status}",
        object_type=deadline.object_type,
        object_id=deadline.object_id,
        state={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_at": deadline.due_at.isoformat(),
            "status": deadline.status,
        },
    )


def _move(deadline: Deadline, target: str, *, actor: Any, now: dt.datetime) -> Deadline:
    if not workflow.allowed(deadline.status, target):
        raise TransitionNotAllowed(
            _("A deadline that is %(source)s cannot become %(target)s.")
            % {"source": Status(deadline.status).label, "target": Status(target).label}
        )
    deadline.status, deadline.closed_at = target, now
    deadline.save(update_fields=["status", "closed_at"])
    _audit(deadline, actor=actor)
    return deadline


def deadline_open(
    *,
    actor: Any,
    kind: str,
    object_type: str,
    about: Any,
    start: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
) -> Deadline:
    """Open a deadline on an object, inside the caller's transaction.

    It runs `kinds.length(kind)` from `start` (now by default), unless the owner gives its own
    `due_at` (an offer's last day). An object already holding an open deadline of this kind
    keeps it: opening twice is opening once.
    """
    now = timezone.now()
    object_id = _object_key(about)
    existing = (
        Deadline.objects.select_for_update()
        .filter(kind=kind, object_type=object_type, object_id=object_id, status=Status.OPEN)
        .first()
    )
    if existing is not None:
        return existing
    deadline = Deadline.objects.create(
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        due_at=due_at if due_at is not None else (start or now) + kinds.length(kind),
        opened_at=now,
    )
    _audit(deadline, actor=actor)
    return deadline


def deadline_close(
    *, actor: Any, kind: str, object_type: str, about: Any, met: bool = True
) -> Deadline | None:
    """Close the object's open deadline of this kind: met (the person acted) or cancelled (the
    act is no longer needed). Called inside the owner's transaction, after it locked the object.
    Nothing open: nothing to do."""
    deadline = (
        Deadline.objects.select_for_update()
        .filter(
            kind=kind, object_type=object_type, object_id=_object_key(about), status=Status.OPEN
        )
        .first()
    )
    if deadline is None:
        return None
    return _move(deadline, Status.MET if met else Status.CANCELLED, actor=actor, now=timezone.now())


def deadlines_cancel(*, actor: Any, kinds: list[str], object_type: str, ids: Any) -> int:
    """Cancel the open deadlines of these kinds on these objects: what they awaited can no
    longer happen (a request withdrawn ends the answers its matches awaited). The number
    cancelled, each audited. Inside the caller's transaction."""
    keys = [_object_key(i) for i in ids]
    if not keys:
        return 0
    now = timezone.now()
    found = list(
        Deadline.objects.select_for_update().filter(
            kind__in=kinds, object_type=object_type, object_id__in=keys, status=Status.OPEN
        )
    )
    for deadline in found:
        _move(deadline, Status.CANCELLED, actor=actor, now=now)
    return len(found)


def deadline_cancel(*, actor: Any, deadline: Deadline) -> None:
    """Cancel this deadline: what it awaited can no longer happen (its object is gone or has
    ended). For lapse handlers, so that nobody is counted as not answering."""
    deadlines_cancel(
        actor=actor,
        kinds=[deadline.kind],
        object_type=deadline.object_type,
        ids=[deadline.object_id],
    )


def deadline_lapse(*, actor: Any, deadline: Deadline, now: dt.datetime) -> Deadline | None:
    """Mark a passed deadline lapsed, for its owner's lapse handler (after it locked the object).

    Returns the deadline if this call lapsed it; None if it was closed meanwhile (the person
    acted in time) or is not yet due, and the handler then leaves its object alone.
    """
    permissions.require(actor, "deadline.sweep")
    locked = Deadline.objects.select_for_update().filter(pk=deadline.pk).first()
    if locked is None or locked.status != Status.OPEN or locked.due_at > now:
        return None
    return _move(locked, Status.LAPSED, actor=actor, now=now)


def _reminder_due(deadline: Deadline, now: dt.datetime) -> int | None:
    """The reminder mark (days before) this deadline has reached and not yet been sent, if any.

    Only the nearest mark reached is sent: a pass that comes late (the server was down for
    the 7-day reminder) sends the 2-day one, never both at once.
    """
    left = deadline.due_at - now
    reached = [m for m in kinds.reminder_marks() if left <= dt.timedelta(days=m)]
    if not reached:
        return None
    mark = min(reached)
    if deadline.reminded_days_before is not None and deadline.reminded_days_before <= mark:
        return None
    return mark


@transaction.atomic
def _remind(deadline: Deadline, now: dt.datetime) -> int:
    """Send the reminder due for this deadline, once; 1 if this call sent it."""
    locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
    mark = _reminder_due(locked, now) if locked.status == Status.OPEN else None
    if mark is None:
        return 0  # another pass sent it, or the person acted meanwhile
    locked.reminded_days_before = mark
    locked.save(update_fields=["reminded_days_before"])
    days_left = max(1, math.ceil((locked.due_at - now) / dt.timedelta(days=1)))
    kinds.handling(locked.kind).remind(locked, days_left)
    return 1


def deadlines_sweep(*, actor: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of the scheduler over open deadlines: lapses first, then reminders.

    Each deadline is handled in its own transaction, so one failing owner does not hold back the
    others; a pass run twice (or by two workers at once) sends no reminder twice and lapses
    nothing twice.
    """
    permissions.require(actor, "deadline.sweep")
    now = now or timezone.now()
    lapsed = reminded = 0
    due = Deadline.objects.filter(status=Status.OPEN, due_at__lte=now).order_by("due_at", "pk")
    for deadline in list(due):
        try:
            with transaction.atomic():
                kinds.handling(deadline.kind).lapse(deadline, now)
            deadline.refresh_from_db(fields=["status"])
            lapsed += deadline.status == Status.LAPSED
        except Exception:  # one owner's failure must not stop the pass; it is retried next pass
            logger.exception("Lapsing %s failed", deadline)
    horizon = now + dt.timedelta(days=max(kinds.reminder_marks(), default=0))
    upcoming = Deadline.objects.filter(status=Status.OPEN, due_at__gt=now, due_at__lte=horizon)
    for deadline in list(upcoming.order_by("due_at", "pk")):
        if _reminder_due(deadline, now) is None:
            continue
        try:
            reminded += _remind(deadline, now)
        except Exception:  # one owner's failure must not stop the pass; it is retried next pass
            logger.exception("Reminding of %s failed", deadline)
    return {"lapses": lapsed, "reminders": reminded}
