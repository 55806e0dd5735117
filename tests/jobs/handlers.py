"""Job handlers for the tests: one that records each run, one that crashes, one that refuses."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext_noop

from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput
from equalfooting.jobs.models import Job
from equalfooting.jobs.services import handler, job_writes


@handler(gettext_noop("A test job"))
def note_run(*, actor: Any, job: Job, pause: float = 0.0) -> None:
    """Waits a little (a job's work), then writes one audit entry in the job's one transaction."""
    time.sleep(pause)
    with job_writes(job) as current:
        audit_append(
            actor=actor,
            action="tests.job.ran",
            object_type="job",
            object_id=str(current.pk),
            state={"worker": current.worker_id},
        )
        current.outcome = {"type": "test", "id": str(current.pk)}


@handler(gettext_noop("A test job that crashes"))
def crash(*, actor: Any, job: Job) -> None:
    raise RuntimeError("the work broke")


@handler(gettext_noop("A test job whose input is gone"))
def refuse(*, actor: Any, job: Job) -> None:
    raise InvalidInput({"thing": "The thing this job works on was deleted."})


def not_a_handler(*, actor: Any, job: Job) -> None:
    """Not marked: a job naming it is refused."""


@handler(gettext_noop("A test job with nothing to write"))
def nothing_to_write(*, actor: Any, job: Job) -> None:
    """Finds nothing to do: the job is done all the same."""
