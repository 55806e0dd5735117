"""The role nomination workflow: which status may follow which."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The same words as the Role model's status choices, so the messages read in every language.
LABELS = {
    "nominated": gettext_lazy("Nominated"),
    "verified": gettext_lazy("Verified"),
    "rejected": gettext_lazy("Rejected"),
    "revoked": gettext_lazy("Revoked"),
}

NOMINATED, VERIFIED, REJECTED, REVOKED = "nominated", "verified", "rejected", "revoked"

TRANSITIONS: dict[str, frozenset[str]] = {
    NOMINATED: frozenset({VERIFIED, REJECTED}),
    VERIFIED: frozenset({REVOKED}),
    REJECTED: frozenset(),
    REVOKED: frozenset(),
}
# Ending a role needs a reason the nominee and the record can read.
NEEDS_REASON = frozenset({REJECTED, REVOKED})


class TransitionError(ValueError):
    pass


def check_transition(current: str, target: str, reason: str = "") -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionError(
            _("A role that is %(current)s cannot become %(target)s.")
            % {"current": LABELS.get(current, current), "target": LABELS.get(target, target)}
        )
    if target in NEEDS_REASON and not reason.strip():
        raise TransitionError(_("Give a reason."))
