from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "equalfooting.matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # when the app registry is ready: the handlers read the models
        from . import deadlines

        deadlines.register()
