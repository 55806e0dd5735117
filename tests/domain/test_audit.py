from __future__ import annotations

import dataclasses
import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from equalfooting.domain.audit import (
    GENESIS_HASH,
    Entry,
    Private,
    Statement,
    StoredEntry,
    canonical,
    digest,
    verify,
)

SALT = "ab" * 32


def chain(n: int, *, sealed: bool = False) -> list[StoredEntry]:
    entries, previous = [], GENESIS_HASH
    for seq in range(1, n + 1):
        state = {"n": seq, "name": f"objet {seq} — é"}
        statement = Statement(f"user:{seq}", "test.act", "thing", str(seq), digest(state))
        entry = Entry(
            seq,
            f"2026-01-01T00:00:{seq:02d}.000000+00:00",
            statement.commitment(SALT),
            {} if sealed else statement.disclosure(),
            previous,
        )
        entries.append(StoredEntry(entry, entry.hash(), Private(statement, SALT, state)))
        previous = entry.hash()
    return entries


def public_only(entries: list[StoredEntry]) -> list[StoredEntry]:
    return [StoredEntry(e.entry, e.stored_hash) for e in entries]


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
    field=st.sampled_from(["at", "commitment", "prev_hash"]),
)
def test_altering_any_public_field_of_any_entry_is_caught_at_that_entry(
    n: int, data: st.DataObject, field: str
) -> None:
    entries = public_only(chain(n))
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    victim = entries[k]
    altered = dataclasses.replace(victim.entry, **{field: getattr(victim.entry, field) + "x"})
    entries[k] = StoredEntry(altered, victim.stored_hash)
    result = verify(entries)
    assert not result.ok
    assert result.broken_seq == k + 1
    assert result.count == k


@given(
    n=st.integers(min_value=1, max_value=12),
    data=st.data(),
    field=st.sampled_from(["actor", "action", "object_type", "object_id", "digest"]),
)
def test_altering_any_statement_is_caught_against_its_commitment(
    n: int, data: st.DataObject, field: str
) -> None:
    entries = chain(n, sealed=True)
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    victim = entries[k]
    private = victim.private
    assert private is not None
    statement = dataclasses.replace(
        private.statement, **{field: getattr(private.statement, field) + "x"}
    )
    entries[k] = StoredEntry(victim.entry, victim.stored_hash, Private(statement, private.salt))
    result = verify(entries)
    assert (result.ok, result.broken_seq) == (False, k + 1)
    assert "commitment" in result.reason


def test_a_disclosure_that_differs_from_the_statement_is_caught() -> None:
    entries = chain(2)
    victim = entries[1]
    lying = dataclasses.replace(
        victim.entry, disclosed={**victim.entry.disclosed, "object_id": "7"}
    )
    entries[1] = StoredEntry(lying, lying.hash(), victim.private)
    result = verify(entries)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "discloses" in result.reason


def test_the_chain_verifies_from_public_data_alone_and_says_nothing_sealed() -> None:
    entries = public_only(chain(4, sealed=True))
    assert verify(entries).ok
    for stored in entries:
        published = canonical(stored.entry.fields()).decode()
        assert "user:" not in published and "thing" not in published
        assert stored.entry.sealed


def test_a_disclosure_names_no_person_and_no_digest() -> None:
    statement = Statement("user:5", "needs.request.submit", "request", "12", "d" * 64)
    assert statement.disclosure() == {
        "actor": "person",
        "action": "needs.request.submit",
        "object_type": "request",
        "object_id": "12",
    }
    assert Statement("system:worker", "a", "b", "c", "d").disclosure()["actor"] == "system:worker"


def test_the_commitment_is_keyed_so_a_guess_cannot_be_confirmed_without_the_salt() -> None:
    statement = Statement("user:5", "accounts.role.verify", "role", "3", digest({"state": "FJI"}))
    assert statement.commitment("00" * 32) != statement.commitment("01" * 32)
    plain = hashlib.sha256(canonical(statement.fields())).hexdigest()
    assert statement.commitment(SALT) != plain


def test_a_payload_that_no_longer_matches_its_digest_is_caught() -> None:
    entries = chain(3)
    private = entries[1].private
    assert private is not None
    entries[1] = StoredEntry(
        entries[1].entry, entries[1].stored_hash, Private(private.statement, private.salt, {"n": 9})
    )
    result = verify(entries)
    assert (result.ok, result.broken_seq) == (False, 2)
    assert "digest" in result.reason


def test_a_removed_entry_is_caught_where_the_gap_is() -> None:
    entries = chain(4)
    del entries[1]
    result = verify(entries)
    assert (result.ok, result.broken_seq) == (False, 3)
