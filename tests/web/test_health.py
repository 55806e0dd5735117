"""The probes a load balancer reads: alive (/healthz) and ready to serve (/readyz)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from equalfooting.jobs.models import Job
from equalfooting.web import health


@pytest.mark.django_db
def test_alive_does_no_work(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]
    # Through the same middleware as every page: the same security headers.
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_is_migrated(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "database": "ok",
        "migrations": "ok",
        "jobs_queued": Job.objects.filter(status=Job.Status.READY).count(),
    }


@pytest.mark.django_db
def test_ready_tells_the_depth_of_the_job_queue(client: Client) -> None:
    before = client.get("/readyz").json()["jobs_queued"]
    Job.objects.create(
        handler="tests.nothing",
        title="t",
        requested_by_label="system:test",
        status=Job.Status.READY,
    )
    Job.objects.create(
        handler="tests.nothing",
        title="t",
        requested_by_label="system:test",
        status=Job.Status.FAILED,
    )
    assert client.get("/readyz").json()["jobs_queued"] == before + 1


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_pending(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unapply nothing for real: pretend the code is one migration ahead of the database by
    # making the executor's plan non-empty, and forget the per-process memo.
    monkeypatch.setattr(health, "_migrated", False)
    original = health.MigrationExecutor.migration_plan

    def ahead(self: object, targets: object, clean_start: bool = False) -> list[object]:
        class Ahead:
            app_label, name = "fund", "9999_future"

        return [*original(self, targets, clean_start), (Ahead(), False)]  # type: ignore[arg-type]

    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", ahead)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == {"pending": ["fund.9999_future"]}


@pytest.mark.django_db
def test_not_ready_when_the_database_fails(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "jobs_queued", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": "unreachable"}


def test_the_memo_is_set_only_once_nothing_is_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrated", True)
    assert health.migrations_pending() == []  # no database needed once known migrated
