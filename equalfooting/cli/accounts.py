"""`equalfooting create-secretariat`: a Secretariat account, the first one or more."""

from __future__ import annotations

import argparse
import getpass
import os

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    secretariat = commands.add_parser(
        "create-secretariat",
        help="create a Secretariat account (the first one, or more)",
        description="Create an account with a verified Secretariat role. The password is read "
        "from EF_PASSWORD or asked for. The account must enrol 2FA before any privileged action.",
    )
    secretariat.add_argument("--username", required=True)
    secretariat.add_argument("--email", required=True)
    secretariat.set_defaults(func=cmd_create_secretariat)


def cmd_create_secretariat(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): Django is loaded by the commands that need it only
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    # after django_setup(): models need the app registry
    from equalfooting.accounts.models import Role, User

    # after django_setup(): the service writes models, which need the app registry
    from equalfooting.accounts.services import role_grant_system

    # after django_setup(), like every import of Django
    from equalfooting.core.errors import InvalidInput

    password = os.environ.get("EF_PASSWORD") or getpass.getpass("Password: ")
    user = User(username=args.username, email=args.email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput({"password": " ".join(exc.messages)}) from exc
    if User.objects.filter(username=args.username).exists():
        raise InvalidInput({"username": f"{args.username!r} is taken"})
    with transaction.atomic():
        user.set_password(password)
        user.save()
        role_grant_system(actor="system:create-secretariat", user=user, kind=Role.Kind.SECRETARIAT)
    print(f"Created Secretariat account {args.username}. It must enrol 2FA at first sign-in.")
    return 0
