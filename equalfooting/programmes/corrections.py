"""Corrections to the register: a provider or a State proposes one to a record it can see, the
Secretariat accepts it (the record changes, audited) or declines it with a note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.validation import limit

from .models import Activity, Correction
from .services import audit_activity, clean_activity, proposer_of
from .spreadsheet import normal_form, record_fields


def correction_from_id(*, correction_id: int, **_ignored: Any) -> Correction:
    found = Correction.objects.select_related("activity").filter(pk=correction_id).first()
    if found is None:
        raise NotFound(_("No such correction."))
    return found


def corrections_waiting() -> QuerySet[Correction]:
    return Correction.objects.filter(status=Correction.Status.SUBMITTED).select_related("activity")


def _plain(value: Any) -> Any:
    """A proposed value as JSON keeps it: dates as ISO text, States by their codes."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [getattr(v, "iso3", v) for v in value]
    return getattr(value, "m49", None) or getattr(value, "code", None) or value


def _audit(actor: Any, correction: Correction) -> None:
    audit_append(
        actor=actor,
        action=f"programmes.correction.{correction.status}",
        object_type="correction",
        object_id=str(correction.pk),
        state={
            "activity": correction.activity_id,
            "changes": correction.changes,
            "status": correction.status,
            "decision_note": correction.decision_note,
        },
        public=correction.activity.is_public and not correction.awaits_decision,
    )


@transaction.atomic
def correction_propose(*, actor: Any, activity: Activity, reason: str, **fields: Any) -> Correction:
    """Propose the record as it should read; only the fields that differ are kept."""
    permissions.require(actor, "activity.correct", activity)
    if activity.merged_into_id is not None:
        raise TransitionNotAllowed(_("This record was merged into another: curate that one."))
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say what is wrong, and how you know.")]
    elif len(reason) > limit(Correction, "reason"):
        errors["reason"] = [
            _("At most %(count)s characters.") % {"count": limit(Correction, "reason")}
        ]
    current = record_fields(activity)
    proposed = {**current, **fields}
    try:
        after = normal_form(clean_activity(proposed))
    except InvalidInput as exc:
        raise InvalidInput({**errors, **exc.message_dict}) from exc
    before = normal_form(clean_activity(current))
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        errors["__all__"] = [_("This correction changes nothing in the record.")]
    if errors:
        raise InvalidInput(errors)
    provider, state = proposer_of(actor)
    correction = Correction.objects.create(
        activity=activity,
        changes={key: _plain(after[key]) for key in changed},
        reason=reason,
        proposed_by=permissions.person(actor),
        proposed_for_provider=provider,
        proposed_for_state=state,
    )
    _audit(actor, correction)
    return correction


@transaction.atomic
def correction_decide(
    *, actor: Any, correction: Correction, accept: bool, note: str = ""
) -> Correction:
    """Accept (the record takes the corrected fields) or decline (with a note)."""
    permissions.require(actor, "activity.curate", correction.activity)
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if not correction.awaits_decision:
        raise TransitionNotAllowed(_("This correction was decided already."))
    note = note.strip()
    if not accept and not note:
        raise InvalidInput({"note": [_("Say why, for the proposer.")]})
    if accept:
        activity = Activity.objects.select_for_update().get(pk=correction.activity_id)
        data = clean_activity({**record_fields(activity), **correction.changes})
        beneficiaries = data.pop("beneficiaries")
        for name, value in data.items():
            setattr(activity, name, value)
        activity.save()
        activity.beneficiaries.set(beneficiaries)
        audit_activity(actor, activity, "corrected")
    correction.status = Correction.Status.APPLIED if accept else Correction.Status.DECLINED
    correction.decision_note = note
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "decision_note", "decided_at"])
    _audit(actor, correction)
    return correction
