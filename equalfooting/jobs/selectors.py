"""Reads of jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound

from .models import Job


def job_from_id(*, job_id: Any, **_ignored: Any) -> Job:
    """The job a URL names, for views (`permissions.guard(load=...)`)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such job."))
    return job


def jobs_failed() -> QuerySet[Job]:
    """Failed jobs, the latest first: the Secretariat's list, each with a retry button."""
    return Job.objects.filter(status=Job.Status.FAILED).select_related("requested_by")


def jobs_unfinished(*, handler: str | None = None) -> QuerySet[Job]:
    """Jobs queued or running, optionally only those doing one kind of work."""
    rows = Job.objects.filter(status__in=[Job.Status.READY, Job.Status.RUNNING])
    if handler is not None:
        rows = rows.filter(handler=handler)
    return rows.order_by("created_at")


def jobs_queued() -> int:
    """The depth of the queue: jobs waiting for a worker."""
    return Job.objects.filter(status=Job.Status.READY).count()


def job_counts() -> dict[str, int]:
    """How many jobs are in each status."""
    counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in Job.Status.values}


def job_outcome_url(job: Job) -> str:
    """The page of what the job made, in the reader's language, or "" if it has none."""
    view = job.outcome.get("view") if job.outcome else None
    if not view:
        return ""
    try:
        return reverse(view, kwargs=job.outcome.get("kwargs") or {})
    except NoReverseMatch:
        return ""
