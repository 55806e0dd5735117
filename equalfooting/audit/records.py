"""The log proves the data: each audited object's stored state, digested the same way at every
append and at every verification.

An app names the object types whose every change passes through an audited service
(`recorded(...)`, in its AppConfig.ready). `audit_append` then adds to the entry's statement
the digest of the object's row as the change leaves it, and `audit verify` recomputes the
digest of every such row as it stands and names each one that differs from its last audited
state, that has gone, or that no entry ever recorded: a ledger amount multiplied in the
database, a title edited there, a row deleted or inserted behind the services' backs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import models

from equalfooting.domain.audit import digest


@dataclass(frozen=True)
class Recorded:
    """How one object type of the log is found and digested."""

    model: str  # "app_label.ModelName"
    lookup: str = "pk"  # the field the log's object_id names
    # Fields some unaudited process may change legitimately (a demo's label), left out.
    exclude: tuple[str, ...] = ()
    # Fields the public never sees (a mirror bundle blanks them): left out of the public digest.
    private: tuple[str, ...] = ()
    # Whether the public rows of the type go into mirror bundles, each bound to the log's
    # disclosure of it. A row says itself whether it is public (`is_public`), else it is.
    bound: bool = True

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


RECORDED: dict[str, Recorded] = {}


def recorded(
    object_type: str,
    model: str,
    *,
    lookup: str = "pk",
    exclude: tuple[str, ...] = (),
    private: tuple[str, ...] = (),
    bound: bool = True,
) -> None:
    RECORDED[object_type] = Recorded(model, lookup, exclude, private, bound)


def recorded_type(model: type[models.Model]) -> str | None:
    """The log's object type for a model whose public rows it binds, if any."""
    label = model._meta.label
    return next((t for t, spec in RECORDED.items() if spec.model == label and spec.bound), None)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, UUID):
        return str(value)
    return value


def row_state(spec: Recorded, row: models.Model, *, public: bool = False) -> dict[str, Any]:
    """The row as the log digests it: every concrete field but the excluded and the ones the
    database touches by itself (`auto_now`); with `public`, only what the public sees."""
    state: dict[str, Any] = {}
    left_out = spec.exclude + (spec.private if public else ())
    for field in row._meta.concrete_fields:
        if field.name in left_out or getattr(field, "auto_now", False):
            continue
        state[field.attname] = _plain(getattr(row, field.attname))
    return state


def public_digest(spec: Recorded, row: models.Model) -> str:
    return digest(row_state(spec, row, public=True))


# What an entry records of an object its change removed (an audited deletion).
ABSENT = "absent"


def record_digests(object_type: str, object_id: str) -> tuple[str, str]:
    """(the digest of the object's row now, that of its public fields): ABSENT and "" when
    its row is gone; "" and "" when the type is not one the log records."""
    spec = RECORDED.get(object_type)
    if spec is None:
        return "", ""
    row = spec.model_class()._default_manager.filter(**{spec.lookup: object_id}).first()
    if row is None:
        return ABSENT, ""
    return digest(row_state(spec, row)), public_digest(spec, row)


@dataclass(frozen=True)
class Discrepancy:
    object_type: str
    object_id: str
    what: str  # "changed", "deleted", "unaudited"
    seq: int | None  # the last entry that recorded the object, if any

    def sentence(self) -> str:
        if self.what == "changed":
            return (
                f"{self.object_type} {self.object_id} differs from its last audited state "
                f"(entry {self.seq})"
            )
        if self.what == "deleted":
            return f"{self.object_type} {self.object_id} was deleted; entry {self.seq} recorded it"
        return f"{self.object_type} {self.object_id} has no audit entry"


def discrepancies(entries: Any, types: tuple[str, ...] | None = None) -> Iterator[Discrepancy]:
    """Every recorded object whose row does not match the log. `entries` is the queryset of the
    log's entries (private columns included)."""
    for object_type, spec in sorted(RECORDED.items()):
        if types is not None and object_type not in types:
            continue
        last: dict[str, tuple[int, str]] = {}
        mentioned: set[str] = set()
        rows = entries.filter(object_type=object_type).order_by("seq")
        for seq, object_id, record in rows.values_list("seq", "object_id", "record").iterator(
            chunk_size=5000
        ):
            mentioned.add(object_id)
            if record:
                last[object_id] = (seq, record)
        seen: set[str] = set()
        for row in spec.model_class()._default_manager.order_by("pk").iterator(chunk_size=2000):
            object_id = str(getattr(row, spec.lookup))
            seen.add(object_id)
            if object_id not in mentioned:
                yield Discrepancy(object_type, object_id, "unaudited", None)
            elif object_id in last and digest(row_state(spec, row)) != last[object_id][1]:
                yield Discrepancy(object_type, object_id, "changed", last[object_id][0])
        for object_id, (seq, record) in sorted(last.items(), key=lambda item: item[1][0]):
            if object_id not in seen and record != ABSENT:
                yield Discrepancy(object_type, object_id, "deleted", seq)


def unattested(entries: Any) -> Iterator[tuple[str, Recorded, models.Model]]:
    """The public rows of the proven types that no entry discloses a record for: rows written
    before entries carried record digests (an installation upgraded from the first format)."""
    for object_type, spec in sorted(RECORDED.items()):
        if not spec.bound:
            continue  # never public: nothing to disclose
        bound = set(
            entries.filter(object_type=object_type)
            .exclude(public_record="")
            .values_list("object_id", flat=True)
        )
        for row in spec.model_class()._default_manager.order_by("pk").iterator(chunk_size=2000):
            # A request or an offer says itself whether it is public; the others always are.
            if getattr(row, "is_public", True) and str(getattr(row, spec.lookup)) not in bound:
                yield object_type, spec, row
