"""Importing a spreadsheet into the register: a dry run that writes nothing but the file kept
for its confirmation, then the confirmed import, all rows or none, each change audited."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.core.errors import InvalidFile, NotFound, TransitionNotAllowed

from . import iati_import, spreadsheet
from .models import Activity, ImportBatch
from .services import audit_activity
from .spreadsheet import CREATE, UPDATE, RowPlan


def batch_from_id(*, batch_id: int, **_ignored: Any) -> ImportBatch:
    found = ImportBatch.objects.filter(pk=batch_id).first()
    if found is None:
        raise NotFound(_("No such import."))
    return found


def _digest(plans: list[RowPlan]) -> str:
    """What the plan would write, as one digest: the rows, their actions and their values."""
    shown = [
        (
            p.line,
            p.action,
            p.reference,
            p.changed,
            p.errors,
            p.mapping,
            repr(sorted(p.fields.items())),
        )
        for p in plans
    ]
    return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()


def _is_iati(file_name: str) -> bool:
    return file_name.lower().endswith(".xml")


def plan_file(file_name: str, content: bytes) -> list[RowPlan]:
    """The plan of a spreadsheet (.xlsx, .csv) or of an IATI activity file (.xml)."""
    if _is_iati(file_name):
        return iati_import.plan(content)
    return spreadsheet.plan(spreadsheet.read_file(file_name, content))


def plan_of(batch: ImportBatch) -> list[RowPlan]:
    return plan_file(batch.file_name, bytes(batch.content))


@transaction.atomic
def import_dry_run(
    *, actor: Any, file_name: str, content: bytes
) -> tuple[ImportBatch, list[RowPlan]]:
    """Plan the file row by row. Writes nothing to the register: only the file, kept so that
    confirming imports exactly it. A file that cannot be read at all raises InvalidFile."""
    permissions.require(actor, "activity.import")
    plans = plan_file(file_name, content)
    batch = ImportBatch.objects.create(
        file_name=file_name[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        plan_digest=_digest(plans),
        uploaded_by=permissions.person(actor),
    )
    return batch, plans


@transaction.atomic
def import_apply(*, actor: Any, batch: ImportBatch) -> dict[str, int]:
    """Write what the dry run showed: every row or none. Refused when a row is refused, when
    the batch was imported already, or when the register changed since the dry run (the plan
    would no longer be the one shown)."""
    permissions.require(actor, "activity.import")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.applied_at is not None:
        raise TransitionNotAllowed(_("This file was imported already."))
    plans = plan_of(batch)
    if any(p.action == spreadsheet.REFUSED for p in plans):
        raise InvalidFile(_("Some rows are refused: correct the file and try again."))
    if _digest(plans) != batch.plan_digest:
        raise TransitionNotAllowed(
            _("The register changed since the dry run: run it again to see what would change.")
        )
    note = _("Imported from %(file)s.") % {"file": batch.file_name}
    iati = _is_iati(batch.file_name)
    for p in plans:
        if p.action == CREATE:
            _create(actor, p, note, iati=iati)
        elif p.action == UPDATE:
            _update(actor, p)
    batch.applied_at = timezone.now()
    batch.save(update_fields=["applied_at"])
    return spreadsheet.summary(plans)


def _create(actor: Any, p: RowPlan, note: str, *, iati: bool) -> Activity:
    """A spreadsheet's new row is published: the Secretariat's import is its curation. An
    IATI activity waits for curation, its mapping shown with it."""
    data = dict(p.fields)
    beneficiaries = data.pop("beneficiaries")
    activity = Activity.objects.create(
        **data,
        source=Activity.Source.IMPORTED,
        source_key=p.reference if iati else "",
        mapping=p.mapping,
        curation=Activity.Curation.SUBMITTED if iati else Activity.Curation.PUBLISHED,
        curator_note="" if iati else note,
    )
    activity.beneficiaries.set(beneficiaries)
    audit_activity(actor, activity, "import")
    return activity


def _update(actor: Any, p: RowPlan) -> Activity:
    assert p.activity_id is not None, "an update plan names its record"
    activity = Activity.objects.select_for_update().get(pk=p.activity_id)
    data = dict(p.fields)
    beneficiaries = data.pop("beneficiaries")
    for name, value in data.items():
        setattr(activity, name, value)
    if p.mapping:
        activity.mapping = p.mapping
    activity.save()
    activity.beneficiaries.set(beneficiaries)
    audit_activity(actor, activity, "import_update")
    return activity
