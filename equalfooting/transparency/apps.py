from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "equalfooting.transparency"
    verbose_name = _("Transparency")
