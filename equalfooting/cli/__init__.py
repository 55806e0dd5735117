"""The `equalfooting` command line.

Every subcommand has --help. Exit codes: 0 success, 1 a check failed, 2 bad input, a refusal
or no such record.

Each command group is a module here that adds its subcommands and their handlers. Handlers raise
the mechanism's errors (equalfooting.core.errors); `main` answers them in this one place, on
standard error and never with a traceback.

Django is loaded only by the commands that use it: `match solve` and `fund allocate`, which read
and write files, start without it (a third of a second less on each run).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from equalfooting.domain.errors import InvalidFile, Unavailable

from . import (  # each only adds its commands; none loads Django until it runs
    accounts,
    audit,
    backup,
    demo,
    export,
    fund,
    manage,
    match,
    mirror,
    reference,
    report,
    search,
    sponsorship,
    worker,
)
from .setup import NoInstallation

if TYPE_CHECKING:  # for the annotation only
    from django.core.exceptions import ValidationError

# In the order --help lists them.
GROUPS = (
    demo,
    worker,
    reference,
    audit,
    match,
    fund,
    sponsorship,
    export,
    search,
    mirror,
    report,
    accounts,
    backup,
    manage,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="equalfooting",
        description="Equal Footing: a universal mechanism for ICT-security capacity-building.",
        epilog="Configuration comes from the environment: DATABASE_URL, EF_HOME, SECRET_KEY, "
        "EF_ENV=production, ALLOWED_HOSTS. See docs/operations.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; the errors of the contract are answered here."""
    given = list(sys.argv[1:] if argv is None else argv)
    handler: Callable[[argparse.Namespace], int]
    if given[:1] == ["manage"]:  # everything after it is Django's, --help included
        handler, args = manage.cmd_manage, argparse.Namespace(rest=given[1:])
    else:
        try:
            args = build_parser().parse_args(given)
        except SystemExit as exc:  # --help, or a usage error argparse has already explained
            return int(exc.code or 0)
        handler = args.func
    try:
        return handler(args)
    except InvalidFile as exc:  # services check before they write
        print(f"error: {str(exc).rstrip('.')}. Nothing was changed.", file=sys.stderr)
    except (NoInstallation, Unavailable) as exc:  # pointed nowhere; the machine lacks a font
        print(f"error: {exc}", file=sys.stderr)
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing is wrong
        # Python would complain again when it flushes standard output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        answer = _django_refusal(exc)
        if answer is None:
            raise
        for line in answer:
            print(line, file=sys.stderr)
    return 2


def _django_refusal(exc: Exception) -> list[str] | None:
    """The lines that answer one of the mechanism's refusals that build on Django's exceptions;
    None for anything else (a bug: its traceback is shown)."""
    if "django" not in sys.modules:  # the command never loaded Django: none of these
        return None
    # Loaded already, by the command that raised: importing costs nothing here.
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
    from django.http import Http404

    if isinstance(exc, ValidationError):  # InvalidInput (and Django's own): each names its field
        return [f"error: {message}" for message in _field_messages(exc)]
    if isinstance(exc, PermissionDenied):  # NotAllowed (and Django's own): a mirror, a right
        return [f"refused: {exc}"]
    if isinstance(exc, Http404):  # NotFound: no such round, no such record
        return [f"error: {exc}"]
    if isinstance(exc, ImproperlyConfigured):  # a setting refused at start (e.g. EF_JOB_LEASE)
        return [f"error: {exc} Nothing was started."]
    return None


def _field_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return [" ".join(exc.messages)]
    return [
        " ".join(messages) if field == "__all__" else f"{field}: {' '.join(messages)}"
        for field, messages in exc.message_dict.items()
    ]
