"""Pages of background jobs: a job's state (refreshed by htmx, readable without it), and the
Secretariat's list of failed jobs with a retry button."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from equalfooting import permissions

from . import selectors, services
from .models import Job
from .selectors import job_from_id


def _state(request: HttpRequest, job: Job) -> dict[str, object]:
    return {
        "job": job,
        "outcome_url": selectors.job_outcome_url(job),
        "can_retry": job.status == Job.Status.FAILED
        and permissions.can(request.user, "job.retry", job),
    }


@require_safe
@permissions.guard("job.view", load=job_from_id)
def job_detail(request: HttpRequest, job_id: str, obj: Job) -> HttpResponse:
    return render(request, "jobs/job_detail.html", _state(request, obj))


@require_safe
@permissions.guard("job.view", load=job_from_id)
def job_state(request: HttpRequest, job_id: str, obj: Job) -> HttpResponse:
    """The state block alone, which the job page's htmx polling swaps in."""
    return render(request, "jobs/job_state.html", _state(request, obj))


@require_safe
@permissions.guard("job.list")
def job_list(request: HttpRequest) -> HttpResponse:
    counts = selectors.job_counts()
    return render(
        request,
        "jobs/job_list.html",
        {
            "failed_jobs": selectors.jobs_failed()[:200],
            "unfinished_jobs": selectors.jobs_unfinished()[:200],
            "counts": [(label, counts[code]) for code, label in Job.Status.choices],
        },
    )


@require_POST
@permissions.guard("job.retry", load=job_from_id)
def job_retry(request: HttpRequest, job_id: str, obj: Job) -> HttpResponse:
    # A job that is not failed raises TransitionNotAllowed: the 409 page says why.
    services.job_retry(actor=request.user, job=obj)
    messages.success(request, _("The job was queued again."))
    return redirect("jobs:job_detail", job_id=obj.pk)
