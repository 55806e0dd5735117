from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "equalfooting.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Imported here: the guard reads models' fields, which need the app registry.
        from .guards import connect

        connect()
