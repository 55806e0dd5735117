from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "equalfooting.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # A role is proven by the audit log (equalfooting.audit.records); it is never public
        # (a mirror gets placeholders), so no bundle binds it.
        from equalfooting.audit.records import recorded

        recorded("role", "accounts.Role", bound=False)
