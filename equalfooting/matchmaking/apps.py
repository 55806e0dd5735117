from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "equalfooting.matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # when the app registry is ready: the handlers read the models
        from . import deadlines

        deadlines.register()
        # A round is proven by the audit log (equalfooting.audit.records). Its matches are
        # written under the round's entry, not each under its own, so they are not.
        from equalfooting.audit.records import recorded

        recorded("round", "matchmaking.Round", private=("opened_by",))
