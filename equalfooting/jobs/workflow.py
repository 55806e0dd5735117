"""The job workflow: which status may follow which, and why."""

from __future__ import annotations

from .models import Job

Status = Job.Status

# A try may end in three ways: done, failed for good (bad input, or the last of its tries),
# or queued again (its worker died or crashed, and tries remain). The Secretariat may queue a
# failed job again.
TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.READY, Status.RUNNING),  # a worker takes it
        (Status.READY, Status.SUCCESSFUL),  # a stale try finished it before the next one started
        (Status.READY, Status.FAILED),  # its worker died before the job began, the last time
        (Status.READY, Status.READY),  # its worker died before the job began: a new try
        (Status.RUNNING, Status.SUCCESSFUL),
        (Status.RUNNING, Status.FAILED),
        (Status.RUNNING, Status.READY),  # the lease ran out, or the try crashed
        (Status.FAILED, Status.READY),  # retried by the Secretariat
    }
)
# How many tries a job gets before it is marked failed.
MAX_TRIES = 3


def allowed(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS
