"""Writes to the fund: exchange rates, contributions, commitments and disbursements."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from babel.numbers import list_currencies
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.accounts.selectors import focal_points_of
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.needs import framework as fw
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from . import ledger
from .models import (
    FUND_CURRENCY,
    Contribution,
    Contributor,
    ExchangeRate,
    LedgerTransaction,
    Project,
)
from .selectors import project_paid_net

CENT = Decimal("0.01")


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            {field: _("Enter an amount as a number, for example 25000.00.")}
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput({field: _("The amount must be greater than zero.")})
    if amount != amount.quantize(CENT):
        raise InvalidInput({field: _("Give the amount to the cent at most.")})
    return amount


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in list_currencies():
        raise InvalidInput(
            {
                "currency": _("Unknown currency %(code)s: use an ISO 4217 code.")
                % {"code": code or "—"}
            }
        )
    return code


@transaction.atomic
def rate_record(
    *, actor: Any, currency: str, rate: Any, date: dt.date, source: str
) -> ExchangeRate:
    permissions.require(actor, "fund.manage")
    code = _currency(currency)
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise InvalidInput({"rate": _("The rate must be a number.")}) from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput({"rate": _("The rate must be greater than zero.")})
    if not source.strip():
        raise InvalidInput({"source": _("Say where the rate comes from.")})
    row, _created = ExchangeRate.objects.update_or_create(
        currency=code,
        date=date,
        defaults={
            "rate": value,
            "source": source.strip(),
            "recorded_by": permissions.person(actor),
        },
    )
    audit_append(
        actor=actor,
        action="fund.rate.record",
        object_type="exchange_rate",
        object_id=str(row.pk),
        state={
            "currency": code,
            "rate": str(value),
            "date": date.isoformat(),
            "source": row.source,
        },
        public=True,
    )
    return row


def _rate_for(currency: str, on: dt.date) -> ExchangeRate | None:
    return ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()


def contributor_ensure(*, actor: Any, name: str, kind: str) -> Contributor:
    """The contributor of this name, recorded with its kind the first time it pledges."""
    permissions.require(actor, "fund.manage")
    contributor, _created = Contributor.objects.get_or_create(
        name=name.strip(), defaults={"kind": kind}
    )
    return contributor


@transaction.atomic
def contribution_pledge(
    *,
    actor: Any,
    contributor: Contributor,
    amount: Any,
    currency: str,
    theme: str = "",
    **earmarks: Any,
) -> Contribution:
    """Record a pledge. Soft earmarks by theme are accepted; earmarks by recipient are not."""
    permissions.require(actor, "fund.manage")
    if earmarks:
        # A recipient earmark would let a contributor choose who is helped: the formula decides.
        raise InvalidInput(
            {
                name: _(
                    "Contributions cannot be earmarked for a State: the fund allocates by its "
                    "published formula. A contribution may be earmarked softly by theme only."
                )
                for name in earmarks
            }
        )
    value = _amount(amount, "amount")
    code = _currency(currency)
    if theme and fw.load().dimension(theme) is None:
        raise InvalidInput({"theme": _("Choose a theme from the framework, or none.")})
    rate = None
    if code == FUND_CURRENCY:
        converted = value
    else:
        rate = _rate_for(code, timezone.localdate())
        if rate is None:
            raise InvalidInput(
                {
                    "currency": _("No exchange rate is recorded for %(code)s: record one first.")
                    % {"code": code}
                }
            )
        converted = (value * rate.rate).quantize(CENT, rounding=ROUND_HALF_EVEN)
    contribution = Contribution.objects.create(
        contributor=contributor,
        amount=value,
        currency=code,
        rate=rate,
        amount_fund=converted,
        theme=theme,
    )
    ledger.post(
        kind=LedgerTransaction.Kind.PLEDGE,
        source=ledger.EXTERNAL,
        target=ledger.PLEDGED,
        amount=converted,
        actor=actor,
        memo=f"pledge by {contributor.name}",
        reference=f"CON-{contribution.pk}",
    )
    return contribution


@transaction.atomic
def contribution_receive(*, actor: Any, contribution: Contribution) -> Contribution:
    permissions.require(actor, "fund.manage")
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status != Contribution.Status.PLEDGED:
        raise TransitionNotAllowed(_("Only a pledge can be received."))
    contribution.status, contribution.received_at = Contribution.Status.RECEIVED, timezone.now()
    contribution.save()
    ledger.post(
        kind=LedgerTransaction.Kind.RECEIPT,
        source=ledger.PLEDGED,
        target=ledger.AVAILABLE,
        amount=contribution.amount_fund,
        actor=actor,
        memo=f"received from {contribution.contributor.name}",
        reference=f"CON-{contribution.pk}",
    )
    return contribution


@transaction.atomic
def project_commit(*, actor: Any, project: Project, amount: Any) -> Project:
    """Commit money from the State's envelope to an approved project."""
    permissions.require(actor, "fund.manage")
    value = _amount(amount, "amount")
    project = Project.objects.select_for_update().select_related("state").get(pk=project.pk)
    ledger.post(  # more than the envelope holds is refused: InsufficientFunds names "amount"
        kind=LedgerTransaction.Kind.COMMITMENT,
        source=ledger.envelope(project.state.iso3),
        target=ledger.committed(project.reference),
        amount=value,
        actor=actor,
        reference=project.reference,
    )
    project.committed += value
    project.save(update_fields=["committed"])
    return project


# A project's statuses, and what moves it: the first tranche paid (project_disburse).
PROJECT_TRANSITIONS = {(Project.Status.APPROVED, Project.Status.IN_PROGRESS)}


@transaction.atomic
def project_disburse(*, actor: Any, project: Project, amount: Any, memo: str = "") -> None:
    """Pay a tranche of a project's commitment; never more than remains committed."""
    permissions.require(actor, "fund.manage")
    value = _amount(amount, "amount")
    project = Project.objects.select_for_update().select_related("state").get(pk=project.pk)
    ledger.post(  # more than remains committed is refused: InsufficientFunds names "amount"
        kind=LedgerTransaction.Kind.DISBURSEMENT,
        source=ledger.committed(project.reference),
        target=ledger.DISBURSED,
        amount=value,
        actor=actor,
        memo=memo,
        reference=project.reference,
    )
    if (project.status, Project.Status.IN_PROGRESS) in PROJECT_TRANSITIONS:
        # The first tranche paid starts the project, and takes it off the Secretariat's list
        # of projects still to pay (which reads the status, not the ledger).
        project.status = Project.Status.IN_PROGRESS
        project.save(update_fields=["status"])
        audit_append(
            actor=actor,
            action=f"fund.project.{project.status}",
            object_type="project",
            object_id=str(project.pk),
            state={"project": project.reference, "status": project.status},
            public=True,  # projects are public
        )
    notify(
        kind=Notification.Kind.TRANCHE_DISBURSED,
        recipients=focal_points_of(state=project.state_id),
        about=project,
        context={"project": project.reference, "title": project.title, "amount": f"{value:.2f}"},
        link=reverse("fund:project_detail", kwargs={"project_id": project.pk}),
    )


@transaction.atomic
def project_refund(*, actor: Any, project: Project, amount: Any, memo: str = "") -> None:
    """Money a project returns unspent goes back to the fund's available balance."""
    permissions.require(actor, "fund.manage")
    value = _amount(amount, "amount")
    if value > project_paid_net(project=project):
        raise InvalidInput({"amount": _("A refund cannot exceed what the project was paid.")})
    ledger.post(
        kind=LedgerTransaction.Kind.REFUND,
        source=ledger.DISBURSED,
        target=ledger.AVAILABLE,
        amount=value,
        actor=actor,
        memo=memo,
        reference=project.reference,
    )
