"""RFC 9162 tree hashing, inclusion and consistency proofs for the audit log."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from equalfooting.domain import merkle as m

# The test data of Certificate Transparency's reference implementation (RFC 6962 hashes
# leaves and nodes as RFC 9162 does) and the tree heads it lists for them.
DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def leaves(n: int) -> list[bytes]:
    return [m.leaf_hash(f"entry {i}".encode()) for i in range(n)]


def reference_root(hashes: list[bytes]) -> bytes:
    """MTH as RFC 9162 defines it, recursively."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return m.node_hash(reference_root(hashes[:k]), reference_root(hashes[k:]))


@pytest.mark.parametrize(("size", "expected"), sorted(ROOTS.items()))
def test_the_reference_tree_heads(size: int, expected: str) -> None:
    hashes = [m.leaf_hash(bytes.fromhex(d)) for d in DATA[:size]]
    assert m.root(hashes).hex() == expected


@given(st.integers(0, 70))
def test_the_bottom_up_root_is_the_recursive_definition(n: int) -> None:
    assert m.root(leaves(n)) == reference_root(leaves(n))


@given(st.integers(1, 40), st.data())
def test_every_entry_has_an_inclusion_proof_that_verifies(n: int, data: st.DataObject) -> None:
    hashes = leaves(n)
    index = data.draw(st.integers(0, n - 1))
    proof = m.inclusion_proof(index, hashes)
    top = m.root(hashes)
    assert m.verify_inclusion(index, n, hashes[index], proof, top)
    assert not m.verify_inclusion(index, n, m.leaf_hash(b"forged"), proof, top)
    if proof:
        bent = [bytes(32), *proof[1:]]
        assert not m.verify_inclusion(index, n, hashes[index], bent, top)


@given(st.integers(1, 40), st.data())
def test_a_log_that_only_grew_proves_it(n: int, data: st.DataObject) -> None:
    hashes = leaves(n)
    first = data.draw(st.integers(1, n))
    proof = m.consistency_proof(first, hashes)
    assert m.verify_consistency(first, n, m.root(hashes[:first]), m.root(hashes), proof)


@given(st.integers(2, 40), st.data())
def test_a_rewritten_history_fails_the_proof(n: int, data: st.DataObject) -> None:
    hashes = leaves(n)
    first = data.draw(st.integers(1, n - 1))
    kept = m.root(hashes[:first])  # the head someone kept
    victim = data.draw(st.integers(0, first - 1))
    rewritten = list(hashes)
    rewritten[victim] = m.leaf_hash(b"rewritten")
    proof = m.consistency_proof(first, rewritten)
    assert not m.verify_consistency(first, n, kept, m.root(rewritten), proof)
