"""Curation: which status of a register record may follow which."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Activity

Curation = Activity.Curation

TRANSITIONS: dict[str, frozenset[str]] = {
    Curation.SUBMITTED: frozenset({Curation.UNDER_CURATION, Curation.DECLINED}),
    Curation.UNDER_CURATION: frozenset({Curation.PUBLISHED, Curation.DECLINED}),
    # A published record can be taken back for curation (a correction, a doubt).
    Curation.PUBLISHED: frozenset({Curation.UNDER_CURATION}),
    Curation.DECLINED: frozenset({Curation.UNDER_CURATION}),
}
# Each step's button is named after the action it takes.
ACTIONS: dict[str, Promise] = {
    Curation.UNDER_CURATION: _("Take up for curation"),
    Curation.PUBLISHED: _("Publish the record"),
    Curation.DECLINED: _("Decline the record"),
}
# The steps that need the curator to say why, in the note the proposer and the public read.
NOTE_REQUIRED = frozenset({Curation.DECLINED})
# Where the Secretariat's queue looks.
AWAITING = frozenset({Curation.SUBMITTED, Curation.UNDER_CURATION})


def allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
