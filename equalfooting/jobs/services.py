"""Writes to jobs: queueing one, each try, its end, the lease, a retry.

A job runs on Django's tasks API (the django-tasks backport; `django_tasks_db` keeps the queue in
the database). Each try of a job is one task, `run_job`. On top of the backend, this module keeps:

- a lease: the worker running a job renews it (`leases_renew`); a job whose lease is older than
  `EF_JOB_LEASE` seconds lost its worker, and `leases_expire` queues it again, up to three
  tries, then marks it failed with the reason;
- exactly one outcome: a job's handler computes outside any transaction, then writes everything
  in one transaction opened by `job_writes`, which refuses if another try finished first. A
  worker killed at any moment therefore leaves either nothing or the whole result.

Every change of a job's status is audited; a lease renewal (a heartbeat) is not.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from equalfooting import permissions
from equalfooting.audit.services import actor_label, audit_append
from equalfooting.core.errors import (
    InvalidFile,
    NotAllowed,
    NotFound,
    TransitionNotAllowed,
    Unavailable,
)

from . import workflow
from .models import Job

WORKER = permissions.SYSTEM_WORKER
Status = Job.Status
# Refusals end a job at once with their message as the reason: trying again would not help
# (nor would it on a machine that lacks a font, until someone installs it).
REFUSALS = (ValidationError, NotFound, NotAllowed, TransitionNotAllowed, InvalidFile, Unavailable)


class JobFinished(Exception):
    """Another try of this job finished first (or it failed for good): this try writes nothing."""


def handler(title: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Mark a function as a job's work: `func(*, actor, job, **arguments)`.

    `title` says what the job does, in English, marked with gettext_noop; pages translate it.
    The function computes outside any transaction and writes in `with job_writes(job):`.
    """

    def mark(func: Callable[..., None]) -> Callable[..., None]:
        func.ef_job_title = title  # type: ignore[attr-defined]
        return func

    return mark


def handler_path(work: Callable[..., None]) -> str:
    """How a job names its work: the handler's dotted path."""
    return f"{work.__module__}.{work.__qualname__}"


def _handler_at(path: str) -> Callable[..., None]:
    work = import_string(path)
    if getattr(work, "ef_job_title", None) is None:
        raise NotFound(_("This job's work is not a job handler."))
    return work


def _job_state(job: Job) -> dict[str, Any]:
    return {
        "handler": job.handler,
        "arguments": job.arguments,
        "status": job.status,
        "tries": job.tries,
        "reason": job.reason,
        "outcome": job.outcome,
        "requested_by": job.requested_by_label,
    }


def _move(job: Job, target: str) -> None:
    if not workflow.allowed(job.status, target):
        raise TransitionNotAllowed(
            _("A job that is %(source)s cannot become %(target)s.")
            % {"source": Status(job.status).label, "target": Status(target).label}
        )
    job.status = target


def _audit(job: Job, *, actor: Any, action: str) -> None:
    audit_append(
        actor=actor,
        action=f"jobs.job.{action}",
        object_type="job",
        object_id=str(job.pk),
        state=_job_state(job),
    )


def _dispatch(job: Job) -> None:
    """Hand the job's next try to the task backend, inside the caller's transaction.

    With the database backend the task row commits with the job, so neither exists without the
    other. (In tests the immediate backend runs the try here and now.)
    """
    job.dispatch += 1
    job.worker_id, job.lease_renewed_at, job.task_id = "", None, ""
    job.save(update_fields=["status", "dispatch", "worker_id", "lease_renewed_at", "task_id"])
    result = run_job.enqueue(str(job.pk), job.dispatch)
    Job.objects.filter(pk=job.pk, dispatch=job.dispatch).update(task_id=str(result.id))


def job_enqueue(*, actor: Any, work: Callable[..., None], arguments: dict[str, Any]) -> Job:
    """Queue a job. Called by the service that starts it, after that service's own permission
    check and validation: `work` is a function marked with `handler`."""
    title = getattr(work, "ef_job_title", None)
    if title is None:
        raise TypeError(f"{work!r} is not marked as a job handler")
    with transaction.atomic():
        job = Job.objects.create(
            handler=handler_path(work),
            title=title,
            arguments=arguments,
            requested_by=permissions.person(actor),
            requested_by_label=actor_label(actor),
        )
        _audit(job, actor=actor, action="queue")
        _dispatch(job)
    job.refresh_from_db()
    return job


def _locked(job_id: Any) -> Job | None:
    return Job.objects.select_for_update().filter(pk=job_id).first()


def _claim(*, job_id: str, dispatch: int, worker_id: str) -> Job | None:
    """This try starts the job, unless the job has moved on (a stale task does nothing)."""
    with transaction.atomic():
        job = _locked(job_id)
        if job is None or job.status != Status.READY or job.dispatch != dispatch:
            return None
        _move(job, Status.RUNNING)
        now = timezone.now()
        job.tries += 1
        job.worker_id, job.lease_renewed_at, job.started_at = worker_id[:64], now, now
        job.save()
        _audit(job, actor=WORKER, action="start")
    return job


@contextmanager
def job_writes(job: Job) -> Iterator[Job]:
    """The one transaction in which a job writes its result; the job is done when it commits.

    It locks the job first and raises `JobFinished` if another try has finished it, so a job
    re-run after its worker died never writes twice. The handler sets `job.outcome` inside.
    """
    with transaction.atomic():
        current = _locked(job.pk)
        if current is None or current.is_finished:
            raise JobFinished(str(job.pk))
        yield current
        _move(current, Status.SUCCESSFUL)
        current.reason, current.finished_at = "", timezone.now()
        current.save()
        _audit(current, actor=WORKER, action="done")


def _fail(*, job_id: Any, dispatch: int, reason: str) -> None:
    """The try was refused (bad or vanished input): the job fails now, with the reason."""
    with transaction.atomic():
        job = _locked(job_id)
        if job is None or job.is_finished or job.dispatch != dispatch:
            return
        _move(job, Status.FAILED)
        job.reason, job.finished_at = reason, timezone.now()
        job.save()
        _audit(job, actor=WORKER, action="fail")


def _finish_quietly(*, job_id: Any, dispatch: int) -> None:
    """A handler that wrote nothing (it had nothing to write) has finished its job all the same."""
    with transaction.atomic():
        job = _locked(job_id)
        if job is None or job.status != Status.RUNNING or job.dispatch != dispatch:
            return
        _move(job, Status.SUCCESSFUL)
        job.reason, job.finished_at = "", timezone.now()
        job.save()
        _audit(job, actor=WORKER, action="done")


def _again_or_fail(job: Job, *, reason: str) -> None:
    """Queue a locked job for another try, or mark it failed after its last one."""
    if job.tries >= workflow.MAX_TRIES:
        _move(job, Status.FAILED)
        job.reason = _("%(reason)s This was try %(tries)s of %(max)s.") % {
            "reason": reason,
            "tries": job.tries,
            "max": workflow.MAX_TRIES,
        }
        job.finished_at = timezone.now()
        job.save()
        _audit(job, actor=WORKER, action="fail")
        return
    _move(job, Status.READY)
    job.reason = reason
    job.save()
    _audit(job, actor=WORKER, action="requeue")
    _dispatch(job)


def _crashed(*, job_id: Any, dispatch: int, error: BaseException) -> None:
    """The try stopped on an unexpected error: like a dead worker, it is tried again."""
    with transaction.atomic():
        job = _locked(job_id)
        if job is None or job.status != Status.RUNNING or job.dispatch != dispatch:
            return
        _again_or_fail(
            job,
            reason=_("The try stopped on an unexpected error (%(error)s).")
            % {"error": type(error).__name__},
        )


def _refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, ObjectDoesNotExist):
        return _("Something the job needed was deleted meanwhile.")
    return str(error)


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str, dispatch: int) -> str:
    """One try of a job, as the task backend runs it (in a worker, or at once in tests)."""
    worker_ids = context.task_result.worker_ids
    job = _claim(job_id=job_id, dispatch=dispatch, worker_id=worker_ids[-1] if worker_ids else "")
    if job is None:
        return "stale"  # its try was given up on, or another try finished the job
    try:
        work = _handler_at(job.handler)
        work(actor=WORKER, job=job, **job.arguments)
    except JobFinished:
        return "finished by another try"
    except (*REFUSALS, ObjectDoesNotExist) as error:
        _fail(job_id=job.pk, dispatch=dispatch, reason=_refusal_text(error))
        return "refused"
    except Exception as error:
        _crashed(job_id=job.pk, dispatch=dispatch, error=error)
        raise  # the task backend keeps the traceback on its own row
    _finish_quietly(job_id=job.pk, dispatch=dispatch)
    return "finished"


def leases_renew(*, actor: Any, worker_id: str) -> int:
    """The worker's heartbeat: it still runs its job. Not audited (nothing changes state)."""
    permissions.require(actor, "job.lease")
    return Job.objects.filter(status=Status.RUNNING, worker_id=worker_id).update(
        lease_renewed_at=timezone.now()
    )


def _task_row_lost(task_id: str, reason: str) -> None:
    """Mark the backend's row of a dead try as failed; the backend itself leaves it running."""
    try:
        row_id = uuid.UUID(task_id)
    except ValueError:
        return  # not a database task (the immediate backend)
    DBTaskResult.objects.filter(id=row_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="equalfooting.jobs.services.LeaseExpired",
        traceback=reason,
    )


def leases_expire(*, actor: Any, now: Any = None) -> int:
    """Queue again every job whose worker stopped renewing its lease; return how many.

    A job running past its lease lost its worker (killed, or its host gone). So did a queued
    job whose task a worker took and never started. Each gets another try, up to three, then is
    marked failed with the reason. Several workers may run this pass at once: each job is
    locked (and skipped if another pass holds it).
    """
    permissions.require(actor, "job.lease")
    now = now or timezone.now()
    lease = settings.EF_JOB_LEASE
    cutoff = now - timedelta(seconds=lease)
    reason = _("Its worker stopped renewing the job's lease for more than %(seconds)s seconds.") % {
        "seconds": lease
    }
    running = list(
        Job.objects.filter(status=Status.RUNNING, lease_renewed_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    # Tasks a worker took long ago (or ended) while their job never started: that worker died.
    taken = [
        str(pk)
        for pk in DBTaskResult.objects.filter(
            Q(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            | Q(
                status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
                finished_at__lt=cutoff,
            )
        ).values_list("pk", flat=True)
    ]
    never_started = list(
        Job.objects.filter(status=Status.READY, task_id__in=taken).values_list("pk", flat=True)
    )
    expired = 0
    for pk in [*running, *never_started]:
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status__in=[Status.RUNNING, Status.READY])
                .first()
            )
            if job is None:
                continue
            if job.status == Status.RUNNING and (
                job.lease_renewed_at is None or job.lease_renewed_at >= cutoff
            ):
                continue  # renewed meanwhile
            if job.status == Status.READY:
                if job.task_id not in taken:
                    continue
                job.tries += 1  # a worker took this try and died before it began
            _task_row_lost(job.task_id, reason)
            _again_or_fail(job, reason=reason)
            expired += 1
    return expired


def job_retry(*, actor: Any, job: Job) -> Job:
    """The Secretariat tries a failed job again, with three fresh tries."""
    permissions.require(actor, "job.retry", job)
    with transaction.atomic():
        current = _locked(job.pk)
        if current is None:
            raise NotFound(_("No such job."))
        if current.status != Status.FAILED:
            raise TransitionNotAllowed(_("Only a failed job can be tried again."))
        _move(current, Status.READY)
        current.tries, current.reason, current.finished_at = 0, "", None
        current.save()
        _audit(current, actor=actor, action="retry")
        _dispatch(current)
    current.refresh_from_db()
    return current


def job_run_now(job: Job) -> Job:
    """Run a queued job's try here and now, as a worker would, and return the job as it ends.

    For the command line and the demo, which need the result before they go on. With the
    immediate backend (the tests) the try has already run when the job was queued.
    """
    job.refresh_from_db()
    if job.status != Status.READY or not isinstance(run_job.get_backend(), DatabaseBackend):
        return job
    worker_id = f"now:{socket.gethostname()}:{os.getpid()}"[:64]
    with transaction.atomic():
        row = (
            DBTaskResult.objects.select_for_update()
            .filter(id=job.task_id, status=TaskResultStatus.READY)
            .first()
        )
        if row is not None:
            row.claim(worker_id)
    if row is not None:
        _database_worker(worker_id).run_task(row)
    job.refresh_from_db()
    return job


def _database_worker(worker_id: str) -> DatabaseWorker:
    return DatabaseWorker(
        queue_names=[run_job.queue_name],
        interval=0,
        batch=True,
        backend_name=run_job.backend,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
