"""Reads of the audit chain."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from equalfooting.core.models import is_mirror
from equalfooting.domain.audit import GENESIS_HASH, StoredEntry, Verification, verify

from .models import AuditEntry, AuditHead
from .records import Discrepancy, discrepancies


def audit_entries() -> QuerySet[AuditEntry]:
    """Every entry with its private part: for the installation's own checks only."""
    return AuditEntry.objects.order_by("seq")


def public_entries() -> QuerySet[AuditEntry]:
    """The entries as the public may read them: the private columns are never even loaded."""
    return AuditEntry.objects.order_by("seq").only(*AuditEntry.PUBLIC_FIELDS)


def audit_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)


def _stored_entries() -> Iterator[StoredEntry]:
    for row in audit_entries().iterator(chunk_size=2000):
        yield row.to_domain()


def audit_discrepancies() -> list[Discrepancy]:
    """Every object the log proves whose stored row does not match its last audited state.

    A mirror holds only the public face of the log, not the statements the rows are checked
    against: there its records are checked by the bundle's signature instead.
    """
    if is_mirror():
        return []
    return list(discrepancies(audit_entries()))


def audit_verify() -> Verification:
    """Recompute the whole chain from storage; memory stays flat whatever its length.

    The head row must also name the last entry, so entries removed from the end are caught.
    """
    result = verify(_stored_entries())
    seq, head_hash = audit_head()
    if result.ok and (seq, head_hash) != (result.count, result.head):
        return Verification(
            False,
            result.count,
            result.head,
            result.count + 1,
            f"the recorded head is entry {seq}, but the chain ends at entry {result.count}",
        )
    return result
