"""The audit hash chain: canonical encoding, entry hashes, and verification.

Each entry commits to the entry before it, so altering, removing or re-ordering any entry
changes every hash after it. The encoding is canonical JSON (sorted keys, no insignificant
whitespace, UTF-8), so anyone can recompute a hash in any language from the published fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def canonical(value: Any) -> bytes:
    """The one byte encoding hashed everywhere in the chain."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def digest(state: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical encoding of an object's new state."""
    return hashlib.sha256(canonical(state)).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str  # ISO 8601 in UTC, as stored
    actor: str
    action: str
    object_type: str
    object_id: str
    digest: str
    prev_hash: str

    def fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "digest": self.digest,
            "prev_hash": self.prev_hash,
        }

    def hash(self) -> str:
        return hashlib.sha256(canonical(self.fields())).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from storage, with the hash that was stored beside it."""

    entry: Entry
    stored_hash: str
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


def verify(entries: Iterable[StoredEntry]) -> Verification:
    """Walk the chain in order and report the first entry that does not hold.

    Checks, per entry: consecutive sequence numbers from 1, the link to the previous hash,
    the stored hash, and — where the payload is stored — its digest.
    """
    previous = GENESIS_HASH
    count = 0
    for stored in entries:
        entry = stored.entry
        expected_seq = count + 1
        if entry.seq != expected_seq:
            return Verification(
                False,
                count,
                previous,
                entry.seq,
                f"expected entry {expected_seq}, found {entry.seq}",
            )
        if entry.prev_hash != previous:
            return Verification(
                False, count, previous, entry.seq, "its previous-hash link does not match"
            )
        if stored.payload is not None and digest(stored.payload) != entry.digest:
            return Verification(
                False, count, previous, entry.seq, "its recorded state does not match its digest"
            )
        recomputed = entry.hash()
        if recomputed != stored.stored_hash:
            return Verification(
                False, count, previous, entry.seq, "its content does not match its hash"
            )
        previous = recomputed
        count += 1
    return Verification(True, count, previous)
