"""`equalfooting audit verify`: recompute the whole audit chain."""

from __future__ import annotations

import argparse
import sys

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    audit = commands.add_parser("audit", help="the audit chain")
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="recompute the whole chain",
        description="Recompute every hash. Prints 'OK <n> entries <head hash>' and exits 0, or "
        "names the first broken entry and exits 1.",
    )
    verify.set_defaults(func=cmd_audit_verify)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the selector reads models, which need the app registry
    from equalfooting.audit.selectors import audit_verify

    result = audit_verify()
    if result.ok:
        print(f"OK {result.count} entries {result.head}")
        return 0
    print(f"BROKEN at entry {result.broken_seq}: {result.reason}", file=sys.stderr)
    print(
        f"(the first {result.count} entries hold; the last good hash is {result.head})",
        file=sys.stderr,
    )
    return 1
