"""A deadline on one object of the mechanism, and where it stands."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeadlineStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deadline status", "Open")
    MET = "met", pgettext_lazy("deadline status", "Met")
    LAPSED = "lapsed", pgettext_lazy("deadline status", "Lapsed")
    CANCELLED = "cancelled", pgettext_lazy("deadline status", "No longer needed")


class Deadline(models.Model):
    """What must be done about one object by `due_at`; open until met, lapsed or cancelled."""

    class Kind(models.TextChoices):
        MATCH_STATE_ANSWER = "match_state_answer", _("The State answers a proposed match")
        MATCH_PROVIDER_CONFIRM = (
            "match_provider_confirm",
            _("The provider answers a match the State accepted"),
        )
        REVIEW = "review", _("The reviewer submits a review")
        CONTACT_CHECK = "contact_check", _("A point of contact acknowledges a contact check")
        OFFER_AVAILABILITY = "offer_availability", _("An offer's availability ends")

    Status = DeadlineStatus
    # The two answers a proposed match awaits: cancelled together when the match can no longer
    # be answered (its request or offer ended).
    MATCH_KINDS = (Kind.MATCH_STATE_ANSWER, Kind.MATCH_PROVIDER_CONFIRM)

    kind = models.CharField(max_length=40, choices=Kind.choices)
    # The object the deadline is about, named as the audit log names it ("match", "review").
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # The last reminder sent, as days before the deadline (7, then 2); none yet: null.
    reminded_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="deadline_open_due"),
            models.Index(fields=["object_type", "object_id"], name="deadline_object"),
        ]
        constraints = [
            # One open deadline of a kind per object: opening again is a no-op, not a second.
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id"],
                condition=Q(status=DeadlineStatus.OPEN),
                name="one_open_deadline_per_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} by {self.due_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
