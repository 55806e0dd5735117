"""What every command module shares: Django set up once, migrations, the subcommand type.

Nothing here loads Django until a command asks for it: `match solve` and `fund allocate` read
and write files only, and start in a fraction of the time without it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TypeAlias

from equalfooting.home import ef_home

# The object each module adds its subcommands to (argparse's own type, private in name only).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class NoInstallation(Exception):
    """A command that reads an installation found none where it was pointed."""


HOW_TO_POINT = (
    "Point EF_HOME at an installation's folder (the one holding equalfooting.sqlite3) or set "
    "DATABASE_URL, or create one with `equalfooting demo` or `equalfooting manage migrate`."
)


def _sqlite_file() -> Path | None:
    """Where the embedded database would be, as the settings will find it; None when
    DATABASE_URL names another database. Read before the settings, which create EF_HOME."""
    if os.environ.get("DATABASE_URL"):
        return None
    return ef_home() / "equalfooting.sqlite3"


def django_setup(*, creates: bool = False) -> None:
    """Load the settings and the app registry, which models need before they are imported.

    A command that reads an installation (`creates=False`) stops, before anything is written,
    when there is none where EF_HOME or DATABASE_URL points: an empty folder never becomes a
    half-made installation. Only commands whose job is to make one pass `creates=True`.

    Under pytest-django, which runs the commands in-process, Django is already set up on the
    test database: it is left as it is.
    """
    # Django is loaded here, by the commands that need it, and only by them.
    import django
    from django.apps import apps
    from django.db import connection

    if apps.ready:
        return
    database = _sqlite_file()
    if not creates and database is not None and not database.exists():
        raise NoInstallation(
            f"There is no Equal Footing installation at {database.parent}. {HOW_TO_POINT}"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    django.setup()
    if (
        not creates
        and database is None
        and "django_migrations" not in (connection.introspection.table_names())
    ):
        raise NoInstallation(
            f"The database DATABASE_URL names holds no installation. {HOW_TO_POINT}"
        )


def migrate(*, verbosity: int = 1) -> None:
    # Called after django_setup(), which has loaded Django.
    from django.core.management import call_command

    print("Applying database migrations…", flush=True)
    call_command("migrate", interactive=False, verbosity=verbosity)
