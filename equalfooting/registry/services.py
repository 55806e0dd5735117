"""Writes to the registry: the reference-data load and the State profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput
from equalfooting.core.i18n import fold

from . import reference
from .models import Group, Organisation, ReferenceSource, Region, State, StateProfile
from .names import forget as forget_name_checks


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


VERB = {"created": "create", "updated": "update"}


def _upsert(
    model: Any,
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    state: dict[str, Any],
    summary: LoadSummary,
    kind: str,
    actor: Any,
    current_state: Any,
) -> Any:
    """Create or update one row; audit it only when something changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        outcome = "created"
    elif current_state(obj) != state:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        outcome = "updated"
    else:
        summary.count(kind, "unchanged")
        return obj
    summary.count(kind, outcome)
    audit_append(
        actor=actor,
        action=f"registry.{kind}.{VERB[outcome]}",
        object_type=kind,
        object_id=str(next(iter(lookup.values()))),
        state=state,
        # Reference data is public.
        public=True,
    )
    return obj


def _state_snapshot(state: State) -> dict[str, Any]:
    return {
        "iso3": state.iso3,
        "iso2": state.iso2,
        "m49": state.m49,
        "status": state.status,
        "region": state.region_id,
        "subregion": state.subregion_id,
        "short_name": state.short_name,
        "formal_name": state.formal_name,
        "income_group": state.income_group,
        "groups": sorted(g.code for g in state.groups.all()),
    }


def _organisation_snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "code": org.code,
        "kind": org.kind,
        "names": org.names,
        "ict_programme": org.ict_programme,
        "programme": org.programme,
        "website": org.website,
        "source": org.source,
        "as_of": org.as_of.isoformat(),
        "programme_source": org.programme_source,
        "members": sorted(org.members.values_list("iso3", flat=True)),
    }


@transaction.atomic
def reference_data_load(*, actor: Any, data_dir: Path | None = None) -> LoadSummary:
    """Load the packaged reference data; idempotent, and all or nothing.

    Raises reference.ReferenceDataError, an `InvalidFile` naming file and line, before any
    write if a file is malformed. Each created or changed row is audited; unchanged rows are
    not touched.
    """
    data = reference.load(data_dir or reference.DATA_DIR)
    summary = LoadSummary()

    sources = {}
    snapshot: dict[str, Any]
    for src in data.sources.values():
        snapshot = {
            "file": src.file,
            "title": src.title,
            "source": src.source,
            "as_of": src.as_of.isoformat(),
            "notes": src.notes,
            "sha256": src.sha256,
        }
        sources[src.file] = _upsert(
            ReferenceSource,
            lookup={"file": src.file},
            values={k: v for k, v in snapshot.items() if k != "file"} | {"as_of": src.as_of},
            state=snapshot,
            summary=summary,
            kind="source",
            actor=actor,
            current_state=lambda o: {
                "file": o.file,
                "title": o.title,
                "source": o.source,
                "as_of": o.as_of.isoformat(),
                "notes": o.notes,
                "sha256": o.sha256,
            },
        )

    groups = {}
    for code, file in reference.GROUP_FILES.items():
        groups[code] = _upsert(
            Group,
            lookup={"code": code},
            values={"source_file": sources[file]},
            state={"code": code, "source_file": file},
            summary=summary,
            kind="group",
            actor=actor,
            current_state=lambda o: {"code": o.code, "source_file": o.source_file.file},
        )

    # Regions: parents first, so every foreign key already exists.
    for region in sorted(data.regions, key=lambda r: (r.parent is not None, r.m49)):
        _upsert(
            Region,
            lookup={"m49": region.m49},
            values={"parent_id": region.parent, "names": region.names},
            state={"m49": region.m49, "parent": region.parent, "names": region.names},
            summary=summary,
            kind="region",
            actor=actor,
            current_state=lambda o: {"m49": o.m49, "parent": o.parent_id, "names": o.names},
        )

    for row in data.states:
        snapshot = {
            "iso3": row.iso3,
            "iso2": row.iso2,
            "m49": row.m49,
            "status": row.status,
            "region": row.region,
            "subregion": row.subregion,
            "short_name": row.short_name,
            "formal_name": row.formal_name,
            "income_group": row.income_group,
            "groups": list(row.groups),
        }
        names = list(row.short_name.values()) + list(row.formal_name.values())
        state = _upsert(
            State,
            lookup={"iso3": row.iso3},
            values={
                "iso2": row.iso2,
                "m49": row.m49,
                "status": row.status,
                "region_id": row.region,
                "subregion_id": row.subregion,
                "short_name": row.short_name,
                "formal_name": row.formal_name,
                "income_group": row.income_group,
                "search_text": "\n".join([row.iso3, row.iso2, *(fold(n) for n in names)]),
            },
            state=snapshot,
            summary=summary,
            kind="state",
            actor=actor,
            current_state=_state_snapshot,
        )
        state.groups.set([groups[code] for code in row.groups])

    states = {s.iso3: s for s in State.objects.all()}
    for org_row in data.organisations:
        snapshot = {
            "code": org_row.code,
            "kind": org_row.kind,
            "names": org_row.names,
            "ict_programme": org_row.ict_programme,
            "programme": org_row.programme,
            "website": org_row.website,
            "source": org_row.source,
            "as_of": org_row.as_of.isoformat(),
            "programme_source": org_row.programme_source,
            "members": list(org_row.members),
        }
        org = _upsert(
            Organisation,
            lookup={"code": org_row.code},
            values={
                "kind": org_row.kind,
                "names": org_row.names,
                "ict_programme": org_row.ict_programme,
                "programme": org_row.programme,
                "website": org_row.website,
                "source": org_row.source,
                "as_of": org_row.as_of,
                "programme_source": org_row.programme_source,
            },
            state=snapshot,
            summary=summary,
            kind="organisation",
            actor=actor,
            current_state=_organisation_snapshot,
        )
        org.members.set([states[iso3] for iso3 in org_row.members])
    if summary.changed:
        # The name checks (offer eligibility, blind review) read State names once per process.
        transaction.on_commit(forget_name_checks)
    return summary


@transaction.atomic
def state_profile_update(*, actor: Any, state: State, **fields: Any) -> StateProfile:
    """A verified focal point of `state` (or the Secretariat) updates its public profile."""
    permissions.require(actor, "state.profile.edit", state)
    allowed = {"summary", "national_cert", "strategy", "website"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput({name: _("Unknown field.") for name in sorted(unknown)})
    profile, _created = StateProfile.objects.select_for_update().get_or_create(state=state)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.is_synthetic = False
    profile.updated_by = actor
    try:
        profile.full_clean()
    except ValidationError as exc:  # the model's own checks, named by field like every refusal
        raise InvalidInput(exc.message_dict) from exc
    profile.save()
    audit_append(
        actor=actor,
        action="registry.profile.update",
        object_type="state_profile",
        object_id=state.iso3,
        state={"state": state.iso3, **{k: getattr(profile, k) for k in allowed}},
        # A State's profile is shown on its public page.
        public=True,
    )
    return profile
