from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "equalfooting.contacts"
    verbose_name = _("Points of Contact directory")

    def ready(self) -> None:
        # when the app registry is ready: the handlers read the models
        from . import deadlines, periodic

        deadlines.register()
        periodic.register()
        # A point of contact is proven by the audit log (equalfooting.audit.records).
        from equalfooting.audit.records import recorded

        recorded("contact", "contacts.PointOfContact", exclude=("is_synthetic",), bound=False)
