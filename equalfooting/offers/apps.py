from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "equalfooting.offers"
    verbose_name = _("Providers and offers")

    def ready(self) -> None:
        # when the app registry is ready: the handlers read the models
        from . import deadlines

        deadlines.register()
        # An offer's row is proven by the audit log; the demo's synthetic label is not data.
        from equalfooting.audit.records import recorded

        recorded("offer", "offers.Offer", exclude=("is_synthetic",), private=("created_by",))
        recorded("provider", "offers.Provider", exclude=("is_synthetic",))
