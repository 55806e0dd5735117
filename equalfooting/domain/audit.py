"""The audit chain: canonical encoding, commitments, entry hashes, and verification.

Each entry commits to the entry before it, so altering, removing or re-ordering any entry
changes every hash after it. The encoding is canonical JSON (sorted keys, no insignificant
whitespace, UTF-8), so anyone can recompute a hash in any language from the published fields.

An entry has two faces. What it says — who acted, what was done to which object, the digest of
the object's new state — is its `Statement`, kept private. What the chain hashes and the public
sees is the `Entry`: its number, time, link, a *commitment* to the statement (HMAC-SHA-256
keyed with a random salt that never leaves the installation), and — only when the object is
public — a disclosure of the action and the object. A confidential object's entries disclose
nothing: they cannot be counted per State, linked to an actor, or guessed from their content
(the salt defeats guessing), yet the chain verifies end to end from public data alone, and
whoever is shown a statement and its salt can check it against the published commitment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS_HASH = "0" * 64
# How the public names a person who acted: never by a number that would link their entries.
PERSON = "person"
ANONYMOUS = "anonymous"


def canonical(value: Any) -> bytes:
    """The one byte encoding hashed everywhere in the chain."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def digest(state: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical encoding of an object's new state."""
    return hashlib.sha256(canonical(state)).hexdigest()


@dataclass(frozen=True)
class Statement:
    """What an entry says. Private: it names the acting account and the object."""

    actor: str  # "user:<n>", "anonymous", or a named process such as "system:worker"
    action: str
    object_type: str
    object_id: str
    digest: str
    # The digest of the object's stored row after the change ("absent" once deleted), for the
    # object types whose rows the log proves; "" for the others and for entries made before.
    record: str = ""
    # For a public object of those types: the digest of its public fields only, which the
    # entry discloses, so that a mirror can bind every record it receives to the log.
    public_record: str = ""

    def fields(self) -> dict[str, str]:
        fields = {
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "digest": self.digest,
        }
        if self.record:  # absent from entries that have none, so their commitments still hold
            fields["record"] = self.record
        if self.public_record:
            fields["public_record"] = self.public_record
        return fields

    def commitment(self, salt: str) -> str:
        """HMAC-SHA-256 of the statement keyed with the entry's salt (hex)."""
        return hmac.new(bytes.fromhex(salt), canonical(self.fields()), hashlib.sha256).hexdigest()

    def disclosure(self) -> dict[str, str]:
        """What the public sees of a public object's entry: never the account, never the digest
        (a digest of a guessable state could be confirmed by guessing)."""
        disclosed = {
            "actor": public_actor(self.actor),
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }
        if self.public_record:
            disclosed["record"] = self.public_record
        return disclosed


def public_actor(actor: str) -> str:
    """A named process stays named; any person is only "person"."""
    if actor.startswith("system:") or actor == ANONYMOUS:
        return actor
    return PERSON


@dataclass(frozen=True)
class Entry:
    """One entry as the chain hashes it and the public sees it."""

    seq: int
    at: str  # ISO 8601 in UTC, as stored
    commitment: str
    disclosed: Mapping[str, str]  # empty for a confidential object
    prev_hash: str

    def fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "commitment": self.commitment,
            "disclosed": dict(self.disclosed),
            "prev_hash": self.prev_hash,
        }

    def hash(self) -> str:
        return hashlib.sha256(canonical(self.fields())).hexdigest()

    @property
    def sealed(self) -> bool:
        return not self.disclosed


@dataclass(frozen=True)
class Private:
    """What only the installation (and whoever it shows an entry to) holds."""

    statement: Statement
    salt: str
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back, with the hash stored beside it and, for a reader who may see
    it, its private part."""

    entry: Entry
    stored_hash: str
    private: Private | None = field(default=None)


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""


def check_private(entry: Entry, private: Private) -> str:
    """Why the private part does not belong to the entry, or "" when it does."""
    statement = private.statement
    if not hmac.compare_digest(statement.commitment(private.salt), entry.commitment):
        return "its statement does not match its commitment"
    if entry.disclosed and dict(entry.disclosed) != statement.disclosure():
        return "what it discloses does not match its statement"
    if private.payload is not None and digest(private.payload) != statement.digest:
        return "its recorded state does not match its digest"
    return ""


def verify(entries: Iterable[StoredEntry]) -> Verification:
    """Walk the chain in order and report the first entry that does not hold.

    Checks, per entry: consecutive sequence numbers from 1, the link to the previous hash and
    the stored hash — all from public data — and, where the private part is at hand, the
    commitment, the disclosure and the stored state's digest.
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
        if stored.private is not None:
            reason = check_private(entry, stored.private)
            if reason:
                return Verification(False, count, previous, entry.seq, reason)
        recomputed = entry.hash()
        if recomputed != stored.stored_hash:
            return Verification(
                False, count, previous, entry.seq, "its content does not match its hash"
            )
        previous = recomputed
        count += 1
    return Verification(True, count, previous)
