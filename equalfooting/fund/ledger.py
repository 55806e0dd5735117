"""The fund's double-entry ledger: the one place money moves.

Every movement is a transaction that takes an amount from one account and puts it in another,
so the books always balance. Invariants, enforced here and by the database:

- no account goes negative, except `external` (the world outside the fund);
- so commitments never exceed a State's envelope (`envelope:ISO3` cannot go below zero),
  and disbursements never exceed a project's commitment (`committed:PRJ-…` likewise).

Both accounts are locked (SELECT … FOR UPDATE, in code order so two writers never deadlock)
before the balance is read, so concurrent movements on PostgreSQL queue rather than overdraw.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from equalfooting.audit.records import discrepancies
from equalfooting.audit.selectors import audit_entries
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput
from equalfooting.core.numbers import money

from .models import Account, LedgerTransaction

EXTERNAL = Account.Code.EXTERNAL
PLEDGED = Account.Code.PLEDGED
AVAILABLE = Account.Code.AVAILABLE
DISBURSED = Account.Code.DISBURSED
CENT = Decimal("0.01")


def envelope(iso3: str) -> str:
    return f"envelope:{iso3}"


def committed(reference: str) -> str:
    return f"committed:{reference}"


class InsufficientFunds(InvalidInput):
    """The amount asked for is more than the account holds: a refusal of the amount given."""

    def __init__(self, account: str, balance: Decimal, amount: Decimal) -> None:
        self.account, self.balance, self.amount = account, balance, amount
        super().__init__(
            {
                "amount": _("The account %(account)s holds %(balance)s, less than %(amount)s.")
                % {"account": account, "balance": money(balance), "amount": money(amount)}
            }
        )


def ensure_accounts(*codes: str) -> None:
    """Create accounts before they are needed, outside any race for their first row."""
    for code in codes:
        Account.objects.get_or_create(code=code)


@transaction.atomic
def post(
    *,
    kind: str,
    source: str,
    target: str,
    amount: Decimal,
    actor: Any,
    memo: str = "",
    reference: str = "",
) -> LedgerTransaction:
    # Programming errors, not refusals: every service checks the amount a user gives (and
    # names the field) before it posts, so only a bug in the fund's own code reaches these.
    if amount <= 0 or amount != amount.quantize(CENT):
        raise ValueError("a ledger amount is positive and in cents")
    if source == target:
        raise ValueError("a transaction moves money between two different accounts")
    ensure_accounts(source, target)
    locked = {
        a.code: a
        for a in Account.objects.select_for_update()
        .filter(code__in=[source, target])
        .order_by("code")
    }
    giver, taker = locked[source], locked[target]
    if giver.code != EXTERNAL and giver.balance < amount:
        raise InsufficientFunds(giver.code, giver.balance, amount)
    giver.balance -= amount
    taker.balance += amount
    giver.save(update_fields=["balance"])
    taker.save(update_fields=["balance"])
    row = LedgerTransaction.objects.create(
        kind=kind,
        debit=taker,
        credit=giver,
        amount=amount,
        memo=memo,
        reference=reference,
        actor=actor if isinstance(actor, str) else f"user:{actor.pk}",
    )
    audit_append(
        actor=actor,
        action=f"fund.ledger.{kind}",
        object_type="ledger_transaction",
        object_id=str(row.pk),
        state={
            "kind": kind,
            "from": source,
            "to": target,
            "amount": f"{amount:.2f}",
            "memo": memo,
            "reference": reference,
        },
        # The ledger is public, every movement of it.
        public=True,
    )
    return row


def ledger_verify() -> list[str]:
    """What does not hold in the ledger: a transaction that differs from its audited state (or
    has none, or was deleted), and an account whose balance is not the sum of its movements."""
    problems = [d.sentence() for d in discrepancies(audit_entries(), types=("ledger_transaction",))]
    received = dict(
        LedgerTransaction.objects.values_list("debit__code").annotate(total=Sum("amount"))
    )
    given = dict(
        LedgerTransaction.objects.values_list("credit__code").annotate(total=Sum("amount"))
    )
    for account in Account.objects.order_by("code"):
        # SQLite sums decimals as floating point: back to cents before comparing.
        expected = (
            received.get(account.code, Decimal(0)) - given.get(account.code, Decimal(0))
        ).quantize(CENT)
        if account.balance != expected:
            problems.append(
                f"account {account.code} holds {account.balance:.2f}, "
                f"but its movements add up to {expected:.2f}"
            )
    return problems


def balance(code: str) -> Decimal:
    account = Account.objects.filter(code=code).first()
    return account.balance if account else Decimal("0.00")


def balances_agree() -> bool:
    """Every stored balance equals what its transactions add up to, and the books sum to zero."""
    total = Decimal(0)
    for account in Account.objects.all():
        received = LedgerTransaction.objects.filter(debit=account).aggregate(s=Sum("amount"))[
            "s"
        ] or Decimal(0)
        given = LedgerTransaction.objects.filter(credit=account).aggregate(s=Sum("amount"))[
            "s"
        ] or Decimal(0)
        if received - given != account.balance:
            return False
        total += account.balance
    return total == 0
