from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "equalfooting.fund"
    verbose_name = _("Assistance fund")

    def ready(self) -> None:
        # when the app registry is ready: the handlers read the models
        from . import deadlines

        deadlines.register()
