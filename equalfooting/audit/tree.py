"""The audit log's Merkle tree (equalfooting.domain.merkle) over its public entries, its signed
tree heads, and the proofs that answer whoever kept one.

A leaf is the canonical JSON of an entry's public face (seq, at, commitment, disclosed,
prev_hash): anyone holding the public log can recompute every head.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from equalfooting.core.signing import public_key_text, sign, signature_holds
from equalfooting.domain import merkle
from equalfooting.domain.audit import Entry, canonical

from .selectors import public_entries


def leaf(record: dict[str, Any]) -> bytes:
    """The leaf hash of one public entry, given as its published fields."""
    entry = Entry(
        seq=record["seq"],
        at=record["at"],
        commitment=record["commitment"],
        disclosed=record["disclosed"],
        prev_hash=record["prev_hash"],
    )
    return merkle.leaf_hash(canonical(entry.fields()))


def leaves_of(records: Iterable[dict[str, Any]]) -> list[bytes]:
    return [leaf(r) for r in records]


def log_leaves(size: int | None = None) -> list[bytes]:
    """The leaf hashes of the installation's log, in order (the first `size` of them)."""
    entries = public_entries()
    if size is not None:
        entries = entries.filter(seq__lte=size)
    return leaves_of(e.published() for e in entries.iterator(chunk_size=5000))


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: str  # hex

    def message(self, timestamp: str) -> bytes:
        """What a signature covers: the head and the moment it was signed."""
        return canonical({"tree_size": self.size, "root_hash": self.root, "timestamp": timestamp})


def tree_head(leaves: list[bytes]) -> TreeHead:
    return TreeHead(len(leaves), merkle.root(leaves).hex())


def signed_tree_head() -> dict[str, Any]:
    """The log's head now, signed with the installation's key: keep it, and ask later for a
    proof that the log only grew since."""
    head = tree_head(log_leaves())
    timestamp = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "tree_size": head.size,
        "root_hash": head.root,
        "timestamp": timestamp,
        "public_key": public_key_text(),
        "signature": sign(head.message(timestamp)),
    }


HEX = "0123456789abcdef"


class HeadError(ValueError):
    """A kept head that cannot be read, or whose signature does not hold."""


def read_head(text: str) -> TreeHead:
    """A kept head: the JSON `audit head` printed (its signature is checked), or SIZE:ROOT."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
            head = TreeHead(int(data["tree_size"]), str(data["root_hash"]))
            message = head.message(str(data["timestamp"]))
            signed = signature_holds(str(data["public_key"]), message, str(data["signature"]))
        except (ValueError, KeyError, TypeError):
            raise HeadError("not a tree head: give the JSON `audit head` printed") from None
        if not signed:
            raise HeadError("the head's signature does not hold")
        return head
    size, _sep, root = text.partition(":")
    if not size.isdigit() or len(root) != 64 or any(c not in HEX for c in root.lower()):
        raise HeadError("not a tree head: give SIZE:ROOT or the JSON `audit head` printed")
    return TreeHead(int(size), root.lower())


@dataclass(frozen=True)
class Consistency:
    ok: bool
    reason: str
    proof: list[str]
    current: TreeHead


def consistency_with(kept: TreeHead, leaves: list[bytes]) -> Consistency:
    """Whether the log of these leaves is the kept head's log, grown: the proof RFC 9162
    describes, checked here as whoever kept the head would check it."""
    current = tree_head(leaves)
    if kept.size > current.size:
        return Consistency(
            False,
            f"the kept head has {kept.size} entries, the log only {current.size}: "
            "entries were removed",
            [],
            current,
        )
    if kept.size == 0:
        return Consistency(True, "", [], current)
    proof = merkle.consistency_proof(kept.size, leaves)
    ok = merkle.verify_consistency(
        kept.size, current.size, bytes.fromhex(kept.root), bytes.fromhex(current.root), proof
    )
    reason = "" if ok else f"the first {kept.size} entries are not those of the kept head"
    return Consistency(ok, reason, [p.hex() for p in proof], current)
