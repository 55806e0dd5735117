"""Writes to the audit chain. Every state-changing service calls `audit_append`."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from equalfooting.core.errors import MirrorReadOnly
from equalfooting.core.models import is_mirror
from equalfooting.domain.audit import ANONYMOUS, GENESIS_HASH, Entry, Statement, digest

from .models import AuditEntry, AuditHead
from .records import record_digests, unattested


def actor_label(user: Any) -> str:
    """How an actor is written into the chain: a user's number, or a named system process."""
    if isinstance(user, str):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return f"user:{user.pk}"


def audit_append(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    state: dict[str, Any],
    public: bool = False,
) -> AuditEntry:
    """Append one entry; must run inside the caller's transaction so both commit together.

    `public` says whether the object, as this change leaves it, is one the public may see (the
    same test its pages use). Only then does the public entry disclose the action and the
    object; otherwise it carries the commitment alone. Sealed is the default, so a service
    that forgets to decide reveals nothing.

    The head row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers), so two appends can never share a predecessor.
    The unique constraints on seq and prev_hash make a fork impossible even so.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must be called inside transaction.atomic()")
    if is_mirror():
        # Every change of state passes through here, so closing the chain closes them all.
        raise MirrorReadOnly(
            _("This installation is a read-only mirror: nothing can be changed here.")
        )
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    # The row as this change leaves it, for the object types the log proves; of a public
    # object, its public fields too, which the entry discloses for mirrors to check.
    record, public_record = record_digests(object_type, str(object_id))
    statement = Statement(
        actor=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        digest=digest(state),
        record=record,
        public_record=public_record if public else "",
    )
    salt = secrets.token_hex(32)
    entry = Entry(
        seq=head.seq + 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        commitment=statement.commitment(salt),
        disclosed=statement.disclosure() if public else {},
        prev_hash=head.hash,
    )
    row = AuditEntry.objects.create(
        **entry.fields(), hash=entry.hash(), **statement.fields(), salt=salt, payload=state
    )
    head.seq, head.hash = entry.seq, row.hash
    head.save(update_fields=["seq", "hash"])
    return row


def records_attest(*, actor: Any) -> int:
    """Append, for every public row of a proven type that no entry yet binds, one entry that
    records and discloses its state as it stands, so that mirrors can check it. For
    installations upgraded from before record digests; idempotent. Returns how many."""
    # The log's own entries are read here: selectors sit beside this module.
    from .selectors import audit_entries

    count = 0
    for object_type, spec, row in list(unattested(audit_entries())):
        with transaction.atomic():
            audit_append(
                actor=actor,
                action="audit.record.attest",
                object_type=object_type,
                object_id=str(getattr(row, spec.lookup)),
                state={},
                public=True,
            )
        count += 1
    return count
