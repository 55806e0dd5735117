"""Signed tree heads: a head kept today proves tomorrow that the log only grew, and a
rewritten history — every later hash recomputed, so that the chain holds — is refused by
`audit verify --consistency` (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from equalfooting.audit.models import AuditEntry, AuditHead
from equalfooting.audit.tree import log_leaves, tree_head
from equalfooting.cli import main
from equalfooting.domain import merkle
from equalfooting.domain.audit import Entry

pytestmark = pytest.mark.django_db


def kept_head(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["audit", "head"]) == 0
    path = tmp_path / "head.json"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def grow(entries: int = 3) -> None:
    # The log grows through the services in real use; here, through the one append.
    from django.db import transaction

    from equalfooting.audit.services import audit_append

    for n in range(entries):
        with transaction.atomic():
            audit_append(
                actor="system:test", action="test.grow", object_type="t", object_id=str(n), state={}
            )


def rewrite_history(victim_seq: int) -> None:
    """What someone with the database could do: alter an entry and recompute every hash
    after it, and the head, so that the chain verifies again."""
    previous = AuditEntry.objects.get(seq=victim_seq - 1).hash if victim_seq > 1 else "0" * 64
    for row in AuditEntry.objects.filter(seq__gte=victim_seq).order_by("seq"):
        if row.seq == victim_seq:
            row.at = "2020-01-01T00:00:00.000000+00:00"
        entry = Entry(row.seq, row.at, row.commitment, row.disclosed, previous)
        AuditEntry.objects.filter(pk=row.pk).update(at=row.at, prev_hash=previous, hash="x" * 64)
        AuditEntry.objects.filter(pk=row.pk).update(hash=entry.hash())
        previous = entry.hash()
    AuditHead.objects.filter(pk=1).update(hash=previous)


def test_a_kept_head_is_consistent_with_the_log_that_grew(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = kept_head(tmp_path, capsys)
    grow()
    assert main(["audit", "verify", "--consistency", str(head)]) == 0
    assert capsys.readouterr().out.startswith("CONSISTENT")


def test_a_rewritten_history_passes_the_chain_but_not_the_kept_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = kept_head(tmp_path, capsys)
    grow()
    rewrite_history(victim_seq=10)
    assert main(["audit", "verify"]) == 0  # the chain alone cannot tell
    capsys.readouterr()
    assert main(["audit", "verify", "--consistency", str(head)]) == 1
    assert "REWRITTEN" in capsys.readouterr().err
    size, root = (
        json.loads(head.read_text())["tree_size"],
        json.loads(head.read_text())["root_hash"],
    )
    assert main(["audit", "verify", "--consistency", f"{size}:{root}"]) == 1


def test_a_head_with_a_forged_signature_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kept_head(tmp_path, capsys)
    head = json.loads(path.read_text())
    head["tree_size"] -= 1
    path.write_text(json.dumps(head), encoding="utf-8")
    assert main(["audit", "verify", "--consistency", str(path)]) == 2
    assert "signature does not hold" in capsys.readouterr().err


def test_proofs_printed_verify_against_the_published_head(
    capsys: pytest.CaptureFixture[str],
) -> None:
    leaves = log_leaves()
    head = tree_head(leaves)
    assert main(["audit", "prove", "--inclusion", "7"]) == 0
    shown = json.loads(capsys.readouterr().out)
    proof = [bytes.fromhex(p) for p in shown["proof"]]
    assert merkle.verify_inclusion(6, head.size, leaves[6], proof, bytes.fromhex(head.root))
    assert main(["audit", "prove", "--consistency", "5"]) == 0
    shown = json.loads(capsys.readouterr().out)
    proof = [bytes.fromhex(p) for p in shown["proof"]]
    assert merkle.verify_consistency(
        5, head.size, bytes.fromhex(shown["first_root"]), bytes.fromhex(head.root), proof
    )
