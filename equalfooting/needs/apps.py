from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "equalfooting.needs"
    verbose_name = _("Needs and requests")

    def ready(self) -> None:
        # A request's row is proven by the audit log (equalfooting.audit.records); the demo's
        # synthetic label is not the mechanism's data.
        from equalfooting.audit.records import recorded

        recorded(
            "request",
            "needs.AssistanceRequest",
            exclude=("is_synthetic",),
            private=("created_by", "assessment"),
        )
        recorded(
            "assessment",
            "needs.Assessment",
            exclude=("is_synthetic",),
            private=("created_by", "submitted_by"),
        )
