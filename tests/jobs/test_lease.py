"""The lease: a job whose worker stopped renewing it is queued again, three tries at most, then
failed with the reason; the Secretariat may try a failed job again. A try out of date, or one
that finds the job finished, writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from equalfooting import permissions
from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.jobs import services
from equalfooting.jobs.models import Job
from tests.jobs import handlers

pytestmark = pytest.mark.django_db
WORKER = permissions.SYSTEM_WORKER
LEASE = 600


def queued(work: Any = handlers.note_run, **arguments: Any) -> Job:
    return services.job_enqueue(actor=permissions.SYSTEM_DEMO, work=work, arguments=arguments)


def worker_takes(job: Job, worker_id: str) -> Job:
    """A worker takes the job's task from the queue and starts the job, as db_worker does."""
    row = DBTaskResult.objects.get(id=job.task_id)
    assert row.status == TaskResultStatus.READY
    row.claim(worker_id)
    started = services._claim(job_id=str(job.pk), dispatch=job.dispatch, worker_id=worker_id)
    assert started is not None and started.status == Job.Status.RUNNING
    return started


def later(seconds: int) -> Any:
    return timezone.now() + timedelta(seconds=seconds)


def actions(job: Job) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="job", object_id=str(job.pk)).values_list(
            "action", flat=True
        )
    )


def test_a_job_whose_worker_died_is_queued_again(database_backend: None) -> None:
    job = worker_takes(queued(), "worker-a")
    first_task = job.task_id
    # Within the lease nothing happens; a renewal keeps the job with its worker.
    assert services.leases_expire(actor=WORKER, now=later(LEASE - 5)) == 0
    assert services.leases_renew(actor=WORKER, worker_id="worker-a") == 1
    # Past the lease, the job gets a new try, on a new task; the dead try's task is closed.
    assert services.leases_expire(actor=WORKER, now=later(LEASE + 5)) == 1
    job.refresh_from_db()
    assert (job.status, job.tries, job.dispatch) == (Job.Status.READY, 1, 2)
    assert "lease" in job.reason and str(LEASE) in job.reason
    assert job.task_id != first_task
    assert DBTaskResult.objects.get(id=first_task).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.READY
    assert actions(job) == ["jobs.job.queue", "jobs.job.start", "jobs.job.requeue"]
    requeue = AuditEntry.objects.get(object_id=str(job.pk), action="jobs.job.requeue")
    assert requeue.actor == "system:worker"
    # The new try runs to the end.
    done = services.job_run_now(job)
    assert (done.status, done.tries) == (Job.Status.SUCCESSFUL, 2)
    assert AuditEntry.objects.filter(action="tests.job.ran", object_id=str(job.pk)).count() == 1


def test_three_lost_tries_mark_the_job_failed_with_the_reason(database_backend: None) -> None:
    job = queued()
    for attempt in (1, 2, 3):
        job = worker_takes(job, f"worker-{attempt}")
        assert job.tries == attempt
        assert services.leases_expire(actor=WORKER, now=later(LEASE + 1)) == 1
        job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "lease" in job.reason and "3 of 3" in job.reason
    assert job.finished_at is not None
    # No fourth try is queued.
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert actions(job)[-1] == "jobs.job.fail"
    assert services.leases_expire(actor=WORKER, now=later(LEASE * 10)) == 0


def test_a_worker_that_took_a_task_and_died_before_starting_it(database_backend: None) -> None:
    job = queued()
    DBTaskResult.objects.get(id=job.task_id).claim("dies-at-once")
    assert services.leases_expire(actor=WORKER, now=later(LEASE + 1)) == 1
    job.refresh_from_db()
    assert (job.status, job.tries, job.dispatch) == (Job.Status.READY, 1, 2)


def test_a_stale_try_does_nothing(database_backend: None) -> None:
    job = worker_takes(queued(), "worker-a")
    services.leases_expire(actor=WORKER, now=later(LEASE + 1))
    # The dead try's number is out of date: claiming with it changes nothing.
    assert services._claim(job_id=str(job.pk), dispatch=1, worker_id="zombie") is None
    job.refresh_from_db()
    assert (job.status, job.dispatch, job.worker_id) == (Job.Status.READY, 2, "")


def test_a_try_that_finds_the_job_finished_writes_nothing(database_backend: None) -> None:
    job = worker_takes(queued(), "slow-worker")
    services.leases_expire(actor=WORKER, now=later(LEASE + 1))
    done = services.job_run_now(job)  # the second try finishes first
    assert done.status == Job.Status.SUCCESSFUL
    # The first worker was slow, not dead: it finishes its work, and writes nothing.
    with pytest.raises(services.JobFinished):
        handlers.note_run(actor=WORKER, job=job)
    assert AuditEntry.objects.filter(action="tests.job.ran", object_id=str(job.pk)).count() == 1


def test_a_crash_is_tried_again_then_fails() -> None:
    job = queued(handlers.crash)  # the tests' backend runs each try at once
    assert (job.status, job.tries) == (Job.Status.FAILED, 3)
    assert "RuntimeError" in job.reason and "3 of 3" in job.reason
    assert actions(job).count("jobs.job.requeue") == 2


def test_a_refusal_fails_the_job_at_once_with_its_reason() -> None:
    job = queued(handlers.refuse)
    assert (job.status, job.tries) == (Job.Status.FAILED, 1)
    assert job.reason == "The thing this job works on was deleted."
    assert not AuditEntry.objects.filter(action="tests.job.ran").exists()


def test_only_marked_handlers_are_jobs() -> None:
    with pytest.raises(TypeError):
        services.job_enqueue(
            actor=permissions.SYSTEM_DEMO, work=handlers.not_a_handler, arguments={}
        )


def test_the_secretariat_retries_a_failed_job(officer: Any, focal_point_ken: Any) -> None:
    job = queued(handlers.refuse)
    assert job.status == Job.Status.FAILED
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=focal_point_ken, job=job)
    # A retry gets three fresh tries; this one is refused again, at once.
    again = services.job_retry(actor=officer, job=job)
    assert (again.status, again.tries, again.dispatch) == (Job.Status.FAILED, 1, 2)
    entry = AuditEntry.objects.get(object_id=str(job.pk), action="jobs.job.retry")
    assert entry.actor == f"user:{officer.pk}"
    ok = queued()
    with pytest.raises(TransitionNotAllowed):
        services.job_retry(actor=officer, job=ok)


def test_retry_queues_the_job_on_the_database_backend(database_backend: None, officer: Any) -> None:
    job = worker_takes(queued(), "w")
    for _attempt in range(3):
        services.leases_expire(actor=WORKER, now=later(LEASE + 1))
        job.refresh_from_db()
        if job.status == Job.Status.READY:
            job = worker_takes(job, "w")
    assert job.status == Job.Status.FAILED
    again = services.job_retry(actor=officer, job=job)
    assert (again.status, again.tries, again.reason) == (Job.Status.READY, 0, "")
    assert DBTaskResult.objects.get(id=again.task_id).status == TaskResultStatus.READY
    assert services.job_run_now(again).status == Job.Status.SUCCESSFUL


def test_only_the_worker_keeps_leases(officer: Any) -> None:
    for actor in (officer, permissions.SYSTEM_DEMO, permissions.SYSTEM_SCHEDULER):
        with pytest.raises(PermissionDenied):
            services.leases_expire(actor=actor)
        with pytest.raises(PermissionDenied):
            services.leases_renew(actor=actor, worker_id="x")


def test_a_job_with_nothing_to_write_is_done() -> None:
    job = queued(handlers.nothing_to_write)
    assert (job.status, job.tries) == (Job.Status.SUCCESSFUL, 1)
    assert actions(job)[-1] == "jobs.job.done"


def test_a_queued_job_whose_task_ended_without_it_gets_another_try(
    database_backend: None,
) -> None:
    job = queued()
    row = DBTaskResult.objects.get(id=job.task_id)
    row.claim("broken")
    row.set_failed(RuntimeError("the database went away before the job began"))
    assert services.leases_expire(actor=WORKER, now=later(LEASE - 1)) == 0
    assert services.leases_expire(actor=WORKER, now=later(LEASE + 1)) == 1
    job.refresh_from_db()
    assert (job.status, job.tries, job.dispatch) == (Job.Status.READY, 1, 2)
    assert services.job_run_now(job).status == Job.Status.SUCCESSFUL
