"""A background job as people see it: who asked, its state, its tries, its lease, its outcome."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class Job(models.Model):
    """One long piece of work, done by a worker.

    The task backend (django-tasks-db) carries each try to a worker as a task; this row is what
    the mechanism keeps on top of it: the job's own state, the lease its worker renews, how many
    tries it took, why it failed and what it made. It is written only by `jobs.services`.
    """

    class Status(models.TextChoices):
        """The backend's own statuses (django.tasks' TaskResultStatus), named for people."""

        READY = "ready", pgettext_lazy("job status", "Queued")
        RUNNING = "running", pgettext_lazy("job status", "Running")
        SUCCESSFUL = "successful", pgettext_lazy("job status", "Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The dotted path of the function that does the work (one marked with `jobs.services.handler`).
    handler = models.CharField(max_length=200)
    # What the job does, in English; pages show it in the reader's language.
    title = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who asked, as the audit chain writes it: a person ("user:12") or a system actor.
    requested_by_label = models.CharField(max_length=100)
    # Each try goes to the backend as its own task; `dispatch` numbers them, so a stale task
    # (its try already given up on) finds its number out of date and does nothing.
    dispatch = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    worker_id = models.CharField(max_length=64, blank=True)
    lease_renewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)  # why it failed, for the people who may see the job
    # What the job made: {"type": "round", "id": 12, "view": "matchmaking:round_detail",
    # "kwargs": {"round_id": 12}}; empty until it is done.
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_renewed_at"])]

    def __str__(self) -> str:
        return f"job {self.pk} {self.handler} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCESSFUL, self.Status.FAILED)
