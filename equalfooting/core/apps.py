from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """With CACHE_URL=db://… the shared cache is a table: made by every migrate (if missing),
    so that no installation has a second command to remember. Nothing for other caches."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "equalfooting.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Imported here: the guard reads models' fields, which need the app registry.
        from .guards import connect

        connect()
        post_migrate.connect(_create_cache_table, sender=self)
