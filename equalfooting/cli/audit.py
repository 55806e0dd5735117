"""`equalfooting audit verify`: recompute the whole audit chain."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from equalfooting.domain.errors import InvalidFile

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    audit = commands.add_parser("audit", help="the audit chain")
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="recompute the whole chain",
        description="Recompute every hash and check every commitment, then check every object "
        "the log proves (requests, assessments, offers, rounds, the ledger, roles, contacts, "
        "reference data…) as it stands in the "
        "database against its last audited state. Prints 'OK <n> entries <head hash>' and exits "
        "0, or names the first broken entry and each object that differs, and exits 1.",
    )
    verify.add_argument(
        "--consistency",
        metavar="HEAD",
        help="a head kept earlier: the JSON `audit head` printed (a file, or the text), or "
        "SIZE:ROOT; also prove that the log only grew since",
    )
    verify.set_defaults(func=cmd_audit_verify)
    attest = actions.add_parser(
        "attest",
        help="after an upgrade: record every public row the log does not yet bind",
        description="Append one audited entry for every public row of the types the log proves "
        "(requests, assessments, offers, rounds, the ledger, reference data…) that no entry "
        "binds yet (rows written before entries carried record digests), so that mirrors can "
        "check them. Run once after upgrading an "
        "installation from the first log format; running it again adds nothing.",
    )
    attest.set_defaults(func=cmd_audit_attest)
    head = actions.add_parser(
        "head",
        help="the log's signed tree head, to keep",
        description="Print the log's Merkle tree head (RFC 9162) now, signed with the "
        "installation's key, as JSON. Keep it (or publish it); later, `audit verify "
        "--consistency` proves the log only grew since, or names the rewrite.",
    )
    head.set_defaults(func=cmd_audit_head)
    prove = actions.add_parser(
        "prove",
        help="a proof for whoever holds a head: inclusion of an entry, or consistency",
        description="Print, as JSON, the RFC 9162 proof that entry SEQ is in the log "
        "(--inclusion), or that the log of SIZE entries is a prefix of today's (--consistency).",
    )
    which = prove.add_mutually_exclusive_group(required=True)
    which.add_argument("--inclusion", type=int, metavar="SEQ", help="an entry's number")
    which.add_argument("--consistency", type=int, metavar="SIZE", help="a kept head's size")
    prove.set_defaults(func=cmd_audit_prove)
    show = actions.add_parser(
        "show",
        help="one entry whole, to show to whoever may see it",
        description="Print one entry as JSON: its public face (what every copy of the chain "
        "holds) and what it commits to — the statement, the salt and the recorded state. Give "
        "it only to someone entitled to see the object; they check it with "
        "HMAC-SHA-256(salt, statement) == commitment (docs/audit-chain.md).",
    )
    show.add_argument("seq", type=int, help="the entry's number")
    show.set_defaults(func=cmd_audit_show)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the selector reads models, which need the app registry
    from equalfooting.audit.selectors import audit_discrepancies, audit_verify

    # after django_setup(): the tree reads the log's models
    from equalfooting.audit.tree import HeadError, consistency_with, log_leaves, read_head

    kept = None
    if args.consistency:
        path = Path(args.consistency)
        try:
            kept = read_head(
                path.read_text(encoding="utf-8") if path.is_file() else args.consistency
            )
        except (HeadError, OSError, UnicodeDecodeError) as exc:
            raise InvalidFile(f"--consistency: {exc}") from exc
    result = audit_verify()
    differing = audit_discrepancies()
    if kept is not None:
        consistency = consistency_with(kept, log_leaves())
        if not consistency.ok:
            print(f"REWRITTEN since the kept head: {consistency.reason}", file=sys.stderr)
            return 1
        print(
            f"CONSISTENT the log of {kept.size} entries (root {kept.root}) is a prefix of "
            f"today's {consistency.current.size} (root {consistency.current.root})"
        )
    for discrepancy in differing:
        print(f"DIFFERS {discrepancy.sentence()}", file=sys.stderr)
    if result.ok and not differing:
        print(f"OK {result.count} entries {result.head}")
        return 0
    if result.ok:
        print(
            f"The chain holds ({result.count} entries, head {result.head}), but "
            f"{len(differing)} object(s) differ from what it recorded.",
            file=sys.stderr,
        )
        return 1
    print(f"BROKEN at entry {result.broken_seq}: {result.reason}", file=sys.stderr)
    print(
        f"(the first {result.count} entries hold; the last good hash is {result.head})",
        file=sys.stderr,
    )
    return 1


def cmd_audit_show(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the model needs the app registry
    from equalfooting.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(seq=args.seq).first()
    if entry is None:
        print(f"error: there is no audit entry {args.seq}", file=sys.stderr)
        return 2
    shown = {
        "public": entry.published(),
        "statement": entry.statement().fields(),
        "salt": entry.salt,
        "state": entry.payload,
    }
    print(json.dumps(shown, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def cmd_audit_head(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the tree reads the log's models
    from equalfooting.audit.tree import signed_tree_head

    print(json.dumps(signed_tree_head(), indent=2, sort_keys=True))
    return 0


def cmd_audit_prove(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the tree reads the log's models
    from equalfooting.audit.tree import log_leaves, tree_head
    from equalfooting.domain import merkle

    leaves = log_leaves()
    head = tree_head(leaves)
    if args.inclusion is not None:
        if not 1 <= args.inclusion <= head.size:
            raise InvalidFile(f"--inclusion: there is no entry {args.inclusion}")
        proof = merkle.inclusion_proof(args.inclusion - 1, leaves)
        shown: dict[str, object] = {"seq": args.inclusion, "leaf": leaves[args.inclusion - 1].hex()}
    else:
        if not 1 <= args.consistency <= head.size:
            raise InvalidFile(f"--consistency: the log has {head.size} entries")
        proof = merkle.consistency_proof(args.consistency, leaves)
        shown = {
            "first_size": args.consistency,
            "first_root": merkle.root(leaves[: args.consistency]).hex(),
        }
    shown.update(
        {"tree_size": head.size, "root_hash": head.root, "proof": [p.hex() for p in proof]}
    )
    print(json.dumps(shown, indent=2, sort_keys=True))
    return 0


def cmd_audit_attest(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the service writes the log's models
    from equalfooting.audit.services import records_attest

    count = records_attest(actor="system:upgrade")
    print(f"Attested {count} record(s) in the audit log.")
    return 0
