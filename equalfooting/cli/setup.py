"""What every command module shares: Django set up once, migrations, the subcommand type."""

from __future__ import annotations

import argparse
import os
from typing import TypeAlias

import django
from django.apps import apps
from django.core.management import call_command

# The object each module adds its subcommands to (argparse's own type, private in name only).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def django_setup() -> None:
    """Load the settings and the app registry, which models need before they are imported.

    Under pytest-django, which runs the commands in-process, Django is already set up on the
    test database: it is left as it is.
    """
    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    django.setup()


def migrate(*, verbosity: int = 1) -> None:
    print("Applying database migrations…", flush=True)
    call_command("migrate", interactive=False, verbosity=verbosity)
