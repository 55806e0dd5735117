"""`equalfooting audit verify`: recompute the whole audit chain."""

from __future__ import annotations

import argparse
import json
import sys

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    audit = commands.add_parser("audit", help="the audit chain")
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="recompute the whole chain",
        description="Recompute every hash and check every commitment, then check every object "
        "the log proves (requests, offers, ledger transactions, States) as it stands in the "
        "database against its last audited state. Prints 'OK <n> entries <head hash>' and exits "
        "0, or names the first broken entry and each object that differs, and exits 1.",
    )
    verify.set_defaults(func=cmd_audit_verify)
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

    result = audit_verify()
    differing = audit_discrepancies()
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
        "public": entry.public_record(),
        "statement": entry.statement().fields(),
        "salt": entry.salt,
        "state": entry.payload,
    }
    print(json.dumps(shown, ensure_ascii=False, indent=2, sort_keys=True))
    return 0
