from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.audit.selectors import audit_head, audit_verify
from equalfooting.audit.services import audit_append
from equalfooting.core.paging import PER_PAGE


@pytest.mark.django_db
def test_the_loaded_chain_verifies() -> None:
    result = audit_verify()
    assert result.ok and result.count == AuditEntry.objects.count() > 195
    assert (result.count, result.head) == audit_head()


@pytest.mark.django_db
def test_an_altered_row_is_named() -> None:
    victim = AuditEntry.objects.order_by("seq")[10]
    AuditEntry.objects.filter(pk=victim.pk).update(action="registry.state.delete")
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq


@pytest.mark.django_db
def test_a_row_removed_from_the_end_is_caught_by_the_head() -> None:
    AuditEntry.objects.order_by("-seq").first().delete()  # type: ignore[union-attr]
    result = audit_verify()
    assert not result.ok and "head" in result.reason


@pytest.mark.django_db(transaction=True)
def test_append_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        audit_append(actor="system:test", action="x", object_type="x", object_id="1", state={})


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_audit_entry() -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError), transaction.atomic():
        audit_append(actor="system:test", action="x", object_type="x", object_id="1", state={})
        raise ValueError("the business write failed")
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks under real concurrency are a PostgreSQL property; CI runs this there"
        )
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_append(
                        actor="system:test",
                        action="test.concurrent",
                        object_type="t",
                        object_id=f"{n}-{i}",
                        state={"n": n, "i": i},
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    before = AuditEntry.objects.count()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == before + 80
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_public_chain_page_shows_the_head_and_pages(client: Client) -> None:
    response = client.get("/en/audit/")
    body = response.content.decode()
    _seq, head = audit_head()
    assert response.status_code == 200 and head in body
    page = response.context["page"]
    assert len(page.object_list) == PER_PAGE and page.older is not None
    assert client.get("/en/audit/", {"before": page.older}).status_code == 200
    assert "payload" not in body
