from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from equalfooting.audit.models import AuditEntry
from equalfooting.fund import ledger
from equalfooting.fund.models import Account, Contribution, Contributor, LedgerTransaction, Project
from equalfooting.fund.selectors import projects_unpaid
from equalfooting.fund.services import (
    contribution_pledge,
    contribution_receive,
    project_commit,
    project_disburse,
    rate_record,
)
from equalfooting.registry.models import State


@pytest.fixture
def contributor() -> Contributor:
    return Contributor.objects.create(name="A Contributor", kind="organisation")


def funded_project(
    officer: Any, contributor: Contributor, envelope: str, commitment: str
) -> Project:
    contribution = contribution_pledge(
        actor=officer, contributor=contributor, amount=envelope, currency="USD"
    )
    contribution_receive(actor=officer, contribution=contribution)
    ledger.post(
        kind="allocation",
        source=ledger.AVAILABLE,
        target=ledger.envelope("KEN"),
        amount=Decimal(envelope),
        actor=officer,
    )
    project = Project.objects.create(state=State.objects.get(iso3="KEN"), title="CSIRT")
    return project_commit(actor=officer, project=project, amount=commitment)


@pytest.mark.django_db
def test_money_flows_from_pledge_to_disbursement_and_the_books_balance(
    officer: Any, contributor: Contributor
) -> None:
    rate_record(
        actor=officer,
        currency="EUR",
        rate="1.08",
        date=dt.date(2026, 1, 1),
        source="Synthetic test rate",
    )
    pledge = contribution_pledge(
        actor=officer, contributor=contributor, amount="1000.00", currency="eur", theme="incident"
    )
    assert (pledge.amount_fund, pledge.currency) == (Decimal("1080.00"), "EUR")
    assert ledger.balance(ledger.PLEDGED) == Decimal("1080.00")
    contribution_receive(actor=officer, contribution=pledge)
    assert (ledger.balance(ledger.PLEDGED), ledger.balance(ledger.AVAILABLE)) == (
        Decimal(0),
        Decimal("1080.00"),
    )
    ledger.post(
        kind="allocation",
        source=ledger.AVAILABLE,
        target=ledger.envelope("KEN"),
        amount=Decimal("800.00"),
        actor=officer,
    )
    project = Project.objects.create(state=State.objects.get(iso3="KEN"), title="CSIRT")
    project_commit(actor=officer, project=project, amount="500.00")
    project_disburse(actor=officer, project=project, amount="200.00")
    assert ledger.balance(ledger.envelope("KEN")) == Decimal("300.00")
    assert ledger.balance(ledger.committed(project.reference)) == Decimal("300.00")
    assert ledger.balance(ledger.DISBURSED) == Decimal("200.00")
    assert ledger.balances_agree()


@pytest.mark.django_db
def test_the_first_tranche_starts_the_project_and_takes_it_off_the_list_to_pay(
    officer: Any, contributor: Contributor
) -> None:
    project = funded_project(officer, contributor, "100.00", "60.00")
    assert list(projects_unpaid()) == [project]
    with pytest.raises(ValidationError):  # refused: nothing changes
        project_disburse(actor=officer, project=project, amount="60.01")
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED
    project_disburse(actor=officer, project=project, amount="20.00")
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert list(projects_unpaid()) == []
    started = AuditEntry.objects.filter(object_type="project", object_id=str(project.pk))
    assert list(started.values_list("action", flat=True)) == ["fund.project.in_progress"]
    project_disburse(actor=officer, project=project, amount="20.00")  # the second: no change
    assert started.count() == 1


@pytest.mark.django_db
def test_commitments_never_exceed_the_envelope_nor_disbursements_the_commitment(
    officer: Any, contributor: Contributor
) -> None:
    project = funded_project(officer, contributor, "100.00", "60.00")
    with pytest.raises(ValidationError) as caught:
        project_commit(actor=officer, project=project, amount="40.01")
    assert "amount" in caught.value.message_dict
    with pytest.raises(ValidationError):
        project_disburse(actor=officer, project=project, amount="60.01")
    project_disburse(actor=officer, project=project, amount="60.00")
    assert all(a.balance >= 0 for a in Account.objects.exclude(code="external"))
    assert ledger.balances_agree()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "-5", "currency": "USD"}, "amount"),
        ({"amount": "abc", "currency": "USD"}, "amount"),
        ({"amount": "1.001", "currency": "USD"}, "amount"),
        ({"amount": "10", "currency": "XYZ"}, "currency"),
        ({"amount": "10", "currency": "CHF"}, "currency"),  # no rate recorded
        ({"amount": "10", "currency": "USD", "theme": "astrology"}, "theme"),
        ({"amount": "10", "currency": "USD", "recipient_state": "KEN"}, "recipient_state"),
    ],
)
def test_bad_contributions_are_refused_naming_the_field(
    officer: Any, contributor: Contributor, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        contribution_pledge(actor=officer, contributor=contributor, **kwargs)
    assert field in caught.value.message_dict
    assert not Contribution.objects.exists() and not LedgerTransaction.objects.exists()


@pytest.mark.django_db
def test_an_earmark_by_recipient_is_refused_with_an_explanation(
    officer: Any, contributor: Contributor
) -> None:
    with pytest.raises(ValidationError) as caught:
        contribution_pledge(
            actor=officer, contributor=contributor, amount="10", currency="USD", state="KEN"
        )
    assert "formula" in caught.value.message_dict["state"][0]


@pytest.mark.django_db
def test_only_the_verified_secretariat_moves_money(
    focal_point_ken: Any, secretariat: Any, contributor: Contributor
) -> None:
    with pytest.raises(PermissionDenied):
        contribution_pledge(
            actor=focal_point_ken, contributor=contributor, amount="10", currency="USD"
        )
    with pytest.raises(PermissionDenied):  # no 2FA in this session
        contribution_pledge(actor=secretariat, contributor=contributor, amount="10", currency="USD")


@pytest.mark.django_db
def test_the_database_refuses_a_negative_balance_whatever_the_code_path() -> None:
    from django.db import IntegrityError, transaction

    Account.objects.create(code="envelope:ZZZ", balance=Decimal("5.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(code="envelope:ZZZ").update(balance=Decimal("-0.01"))


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_disbursements_never_overdraw_the_commitment(
    officer: Any, contributor: Contributor
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks under real concurrency are a PostgreSQL property; CI runs this there"
        )
    project = funded_project(officer, contributor, "1000.00", "1000.00")
    outcomes: list[str] = []
    lock = threading.Lock()

    def disburse() -> None:
        try:
            project_disburse(actor=officer, project=project, amount="30.00")
            result = "paid"
        except ValidationError:
            result = "refused"
        except Exception as exc:
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=disburse) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 50 × 30 = 1,500 asked against 1,000 committed: exactly 33 tranches are affordable.
    assert sorted(set(outcomes)) == ["paid", "refused"]
    assert outcomes.count("paid") == 33 and outcomes.count("refused") == 17
    assert ledger.balance(ledger.committed(project.reference)) == Decimal("10.00")
    assert ledger.balance(ledger.DISBURSED) == Decimal("990.00")
    assert ledger.balances_agree()
