"""The log proves the data: a direct edit, a deleted row or an inserted one is named by
`audit verify` (and, for the ledger, by `fund verify`), while every change made through the
services passes (issue 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F

from equalfooting.accounts.models import User
from equalfooting.audit.models import AuditEntry
from equalfooting.audit.selectors import audit_discrepancies, audit_verify
from equalfooting.cli import main
from equalfooting.fund.ledger import ledger_verify
from equalfooting.fund.models import LedgerTransaction
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Offer, Provider
from equalfooting.registry.models import State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(officer: User, focal_point_ken: User, provider: Provider, provider_rep: User) -> None:
    factories.contribution_received(officer, amount="1000.00")
    factories.assistance_request(
        focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
    )
    factories.published_offer(provider_rep, provider)


def smuggled(actor: str) -> LedgerTransaction:
    """A ledger movement written straight into the table, past every service."""
    known = LedgerTransaction.objects.first()
    assert known is not None
    return LedgerTransaction.objects.create(
        kind=LedgerTransaction.Kind.RECEIPT,
        debit=known.debit,
        credit=known.credit,
        amount=Decimal("5.00"),
        actor=actor,
    )


def named() -> set[tuple[str, str, str]]:
    return {(d.object_type, d.object_id, d.what) for d in audit_discrepancies()}


def test_changes_made_through_the_services_all_hold(data: None) -> None:
    assert audit_verify().ok
    assert named() == set()
    assert ledger_verify() == []


def test_a_ledger_amount_multiplied_in_the_database_is_named(
    data: None, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = LedgerTransaction.objects.order_by("pk").first()
    assert victim is not None
    LedgerTransaction.objects.filter(pk=victim.pk).update(amount=F("amount") * 10)
    assert named() == {("ledger_transaction", str(victim.pk), "changed")}
    assert any(f"ledger_transaction {victim.pk} differs" in p for p in ledger_verify())
    assert main(["audit", "verify"]) == 1
    assert f"DIFFERS ledger_transaction {victim.pk} differs" in capsys.readouterr().err
    assert main(["fund", "verify"]) == 1


def test_a_title_edited_in_the_database_is_named(data: None) -> None:
    request = AssistanceRequest.objects.get()
    AssistanceRequest.objects.filter(pk=request.pk).update(title="Something else")
    assert named() == {("request", str(request.pk), "changed")}


def test_a_deleted_row_and_an_inserted_one_are_named(data: None, provider: Provider) -> None:
    offer = Offer.objects.get()
    Offer.objects.filter(pk=offer.pk).delete()
    smuggled_row = smuggled("nobody")
    assert named() == {
        ("offer", str(offer.pk), "deleted"),
        ("ledger_transaction", str(smuggled_row.pk), "unaudited"),
    }


def test_a_reference_row_edited_in_the_database_is_named() -> None:
    State.objects.filter(iso3="KEN").update(short_name="Somewhere")
    assert named() == {("state", "KEN", "changed")}


def test_the_recorded_digest_is_itself_under_the_commitment(data: None) -> None:
    entry = AuditEntry.objects.exclude(record="").order_by("-seq").first()
    assert entry is not None
    AuditEntry.objects.filter(pk=entry.pk).update(record="0" * 64)
    result = audit_verify()
    assert not result.ok and result.broken_seq == entry.seq
    assert "commitment" in result.reason


def test_attest_binds_rows_written_before_record_digests_once(
    data: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """An upgraded installation has public rows no entry binds; `audit attest` records each
    once, after which nothing is unaudited and running it again adds nothing."""
    legacy = smuggled("system:before-the-upgrade")
    assert ("ledger_transaction", str(legacy.pk), "unaudited") in named()
    assert main(["audit", "attest"]) == 0
    assert capsys.readouterr().out == "Attested 1 record(s) in the audit log.\n"
    entry = AuditEntry.objects.get(action="audit.record.attest")
    assert entry.disclosed["object_id"] == str(legacy.pk) and entry.disclosed["record"]
    assert ("ledger_transaction", str(legacy.pk), "unaudited") not in named()
    assert main(["audit", "attest"]) == 0
    assert capsys.readouterr().out == "Attested 0 record(s) in the audit log.\n"
