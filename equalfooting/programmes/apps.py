from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "equalfooting.programmes"
    verbose_name = _("Register of capacity-building activities")

    def ready(self) -> None:
        # when the app registry is ready: the sync reads the models of matches and projects
        from equalfooting.jobs.schedule import periodic

        # (the same reason: the search reads requests, offers and records)
        from .search import search_sync
        from .sync import mechanism_sync

        periodic("register", mechanism_sync)
        periodic("search", search_sync)
        # An activity's row is proven by the audit log; the demo's synthetic label is not data.
        from equalfooting.audit.records import recorded

        recorded(
            "activity",
            "programmes.Activity",
            exclude=("is_synthetic",),
            private=("proposed_by",),
        )
