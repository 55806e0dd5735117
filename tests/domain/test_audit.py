from __future__ import annotations

import dataclasses
import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from equalfooting.domain.audit import GENESIS_HASH, Entry, StoredEntry, canonical, digest, verify


def chain(n: int) -> list[StoredEntry]:
    entries, previous = [], GENESIS_HASH
    for seq in range(1, n + 1):
        state = {"n": seq, "name": f"objet {seq} — é"}
        entry = Entry(
            seq,
            f"2026-01-01T00:00:{seq:02d}.000000+00:00",
            "system:test",
            "test.act",
            "thing",
            str(seq),
            digest(state),
            previous,
        )
        entries.append(StoredEntry(entry, entry.hash(), state))
        previous = entry.hash()
    return entries


def test_canonical_encoding_is_sorted_compact_utf8() -> None:
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_hash_is_sha256_of_the_canonical_fields() -> None:
    entry = chain(1)[0].entry
    expected = hashlib.sha256(
        json.dumps(
            entry.fields(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    ).hexdigest()
    assert entry.hash() == expected


def test_an_intact_chain_verifies_and_reports_its_head() -> None:
    entries = chain(5)
    result = verify(entries)
    assert result.ok and result.count == 5
    assert result.head == entries[-1].stored_hash


def test_an_empty_chain_is_intact_with_the_genesis_head() -> None:
    result = verify([])
    assert result.ok and result.count == 0 and result.head == GENESIS_HASH


@given(
    n=st.integers(min_value=1, max_value=12),
    data=st.data(),
    field=st.sampled_from(["at", "actor", "action", "object_type", "object_id", "digest"]),
)
def test_altering_any_field_of_any_entry_is_caught_at_that_entry(
    n: int, data: st.DataObject, field: str
) -> None:
    entries = chain(n)
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    victim = entries[k]
    altered = dataclasses.replace(victim.entry, **{field: getattr(victim.entry, field) + "x"})
    entries[k] = StoredEntry(altered, victim.stored_hash, None)
    result = verify(entries)
    assert not result.ok
    assert result.broken_seq == k + 1
    assert result.count == k


def test_a_payload_that_no_longer_matches_its_digest_is_caught() -> None:
    entries = chain(3)
    entries[1] = StoredEntry(entries[1].entry, entries[1].stored_hash, {"n": 999})
    result = verify(entries)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "digest" in result.reason


def test_a_removed_entry_is_caught_where_the_gap_is() -> None:
    entries = chain(4)
    del entries[1]
    result = verify(entries)
    assert (result.ok, result.broken_seq) == (False, 3)
