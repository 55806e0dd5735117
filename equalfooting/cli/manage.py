"""`equalfooting manage …`: any Django management command, as manage.py would run it."""

from __future__ import annotations

import argparse
import os

from .setup import Subcommands


def register(commands: Subcommands) -> None:
    manage = commands.add_parser(
        "manage",
        help="run a Django management command",
        add_help=False,
        description="Pass everything after 'manage' to Django's manage.py.",
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)


def cmd_manage(args: argparse.Namespace) -> int:
    # Django is loaded by the commands that need it only (match solve does not).
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    execute_from_command_line(["equalfooting manage", *args.rest])
    return 0
