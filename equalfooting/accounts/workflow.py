"""The role nomination workflow: which status may follow which."""

from __future__ import annotations

from django.utils.translation import gettext as _

from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.notifications.models import Notification

from .models import Role

Status = Role.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NOMINATED: frozenset({Status.VERIFIED, Status.REJECTED}),
    Status.VERIFIED: frozenset({Status.REVOKED}),
    Status.REJECTED: frozenset(),
    Status.REVOKED: frozenset(),
}
# Ending a role needs a reason the nominee and the record can read.
NEEDS_REASON = frozenset({Status.REJECTED, Status.REVOKED})
# The notice each decision sends the person (an account notice: it cannot be turned off).
NOTICES: dict[str, str] = {
    Status.VERIFIED: Notification.Kind.ROLE_VERIFIED,
    Status.REJECTED: Notification.Kind.ROLE_REFUSED,
    Status.REVOKED: Notification.Kind.ROLE_REVOKED,
}


def _label(status: str) -> str:
    """The status in the reader's language, as the Role model's choices name it."""
    return str(Status(status).label) if status in Status.values else status


def check_transition(current: str, target: str, reason: str = "") -> None:
    """Refuse a step the table does not allow (409), or an ending without a reason (422)."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("A role that is %(current)s cannot become %(target)s.")
            % {"current": _label(current), "target": _label(target)}
        )
    if target in NEEDS_REASON and not reason.strip():
        raise InvalidInput({"reason": _("Give a reason.")})
