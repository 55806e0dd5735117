from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "equalfooting.fund"
    verbose_name = _("Assistance fund")

    def ready(self) -> None:
        # when the app registry is ready: the handlers read the models
        from . import deadlines

        deadlines.register()
        # The ledger's rows are proven by the audit log (equalfooting.audit.records).
        from equalfooting.audit.records import recorded

        # Who posted it is an account's number: never public.
        recorded("ledger_transaction", "fund.LedgerTransaction", private=("actor",))
        recorded("exchange_rate", "fund.ExchangeRate", private=("recorded_by",))
        recorded("allocation_round", "fund.AllocationRound", private=("opened_by",))
