"""The request workflow: which status may follow which, and who may make each step."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from equalfooting.notifications.models import Notification

from .models import AssistanceRequest

FOCAL_POINT, SECRETARIAT = "focal_point", "secretariat"
Status = AssistanceRequest.Status


@dataclass(frozen=True)
class Step:
    role: str  # the only role allowed to make this step
    needs_reason: bool = False  # steps that end a request say why


TRANSITIONS: dict[tuple[str, str], Step] = {
    (Status.DRAFT, Status.SUBMITTED): Step(FOCAL_POINT),
    (Status.DRAFT, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.SUBMITTED, Status.SCREENING): Step(SECRETARIAT),
    (Status.SUBMITTED, Status.RETURNED): Step(SECRETARIAT, needs_reason=True),
    (Status.SUBMITTED, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.SCREENING, Status.OPEN): Step(SECRETARIAT),
    (Status.SCREENING, Status.RETURNED): Step(SECRETARIAT, needs_reason=True),
    # Returned for information: the State edits the request and submits it again.
    (Status.RETURNED, Status.SUBMITTED): Step(FOCAL_POINT),
    (Status.RETURNED, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.SCREENING, Status.CLOSED_UNMET): Step(SECRETARIAT, needs_reason=True),
    (Status.SCREENING, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.OPEN, Status.PARTLY_MATCHED): Step(SECRETARIAT),
    (Status.OPEN, Status.MATCHED): Step(SECRETARIAT),
    (Status.OPEN, Status.CLOSED_UNMET): Step(SECRETARIAT, needs_reason=True),
    (Status.OPEN, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.PARTLY_MATCHED, Status.MATCHED): Step(SECRETARIAT),
    (Status.PARTLY_MATCHED, Status.IN_DELIVERY): Step(SECRETARIAT),
    (Status.PARTLY_MATCHED, Status.CLOSED_UNMET): Step(SECRETARIAT, needs_reason=True),
    (Status.PARTLY_MATCHED, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.MATCHED, Status.IN_DELIVERY): Step(SECRETARIAT),
    (Status.MATCHED, Status.WITHDRAWN): Step(FOCAL_POINT, needs_reason=True),
    (Status.IN_DELIVERY, Status.COMPLETED): Step(SECRETARIAT),
}
# Each step's button is named after the action it takes, not the status it leads to.
ACTIONS: dict[str, Promise] = {
    Status.SUBMITTED: _("Submit the request"),
    Status.SCREENING: _("Start screening"),
    Status.RETURNED: _("Return the request for information"),
    Status.OPEN: _("Open the request for matching"),
    Status.PARTLY_MATCHED: _("Mark as partly matched"),
    Status.MATCHED: _("Mark as matched"),
    Status.IN_DELIVERY: _("Mark as in delivery"),
    Status.COMPLETED: _("Mark as completed"),
    Status.CLOSED_UNMET: _("Close the request as unmet"),
    Status.WITHDRAWN: _("Withdraw the request"),
}
STATUSES = tuple(Status)
# Steps that end a request before delivery: what its matches awaited can no longer happen.
ENDED = frozenset({Status.WITHDRAWN, Status.CLOSED_UNMET})
# The State may edit its request while it is a draft, or returned to it for information.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
TERMINAL = frozenset(s for s in STATUSES if not any(src == s for src, _ in TRANSITIONS))
# Steps the mechanism itself takes when both sides of a match have agreed or reported
# delivery: the same table, with the matchmaking bookkeeping as the actor.
MECHANISM_TARGETS = frozenset(
    {Status.PARTLY_MATCHED, Status.MATCHED, Status.IN_DELIVERY, Status.COMPLETED}
)

# The notice the State's focal points receive when the Secretariat takes a step on their request.
NOTICES: dict[str, str] = {
    Status.SCREENING: Notification.Kind.REQUEST_SCREENING,
    Status.RETURNED: Notification.Kind.REQUEST_RETURNED,
    Status.OPEN: Notification.Kind.REQUEST_PUBLISHED,
    Status.CLOSED_UNMET: Notification.Kind.REQUEST_CLOSED,
}


def step(source: str, target: str) -> Step | None:
    return TRANSITIONS.get((source, target))


def next_steps(source: str) -> list[tuple[str, Step]]:
    return [(target, st) for (src, target), st in TRANSITIONS.items() if src == source]
