from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "equalfooting.registry"
    verbose_name = _("Registry of States")

    def ready(self) -> None:
        # A State's row is proven by the audit log (equalfooting.audit.records).
        from equalfooting.audit.records import recorded

        recorded("state", "registry.State", lookup="iso3")
        recorded("region", "registry.Region", lookup="m49")
        recorded("group", "registry.Group", lookup="code")
        recorded("organisation", "registry.Organisation", lookup="code")
        recorded("source", "registry.ReferenceSource", lookup="file")
