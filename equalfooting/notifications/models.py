from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One notice to one person: what happened, about which object, and where to see it."""

    class Kind(models.TextChoices):
        ROLE_VERIFIED = "role_verified", _("Nomination verified")
        ROLE_REFUSED = "role_refused", _("Nomination refused")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        TWO_FACTOR_RESET = "two_factor_reset", _("Second factor reset")
        REQUEST_SCREENING = "request_screening", _("Request taken into screening")
        REQUEST_PUBLISHED = "request_published", _("Request published")
        REQUEST_CLOSED = "request_closed", _("Request closed")
        MATCH_PROPOSED = "match_proposed", _("Match proposed")
        MATCH_STATE_ANSWERED = "match_state_answered", _("Match answered by the State")
        MATCH_PROVIDER_ANSWERED = "match_provider_answered", _("Match answered by the provider")
        REVIEW_ASSIGNED = "review_assigned", _("Review assigned")
        PROPOSAL_DETERMINED = "proposal_determined", _("Determination on a proposal")
        TRANCHE_DISBURSED = "tranche_disbursed", _("Tranche disbursed")
        REQUEST_RETURNED = "request_returned", _("Request returned for information")
        CONTACT_CHECK_WAITING = "contact_check_waiting", _("Contact check waiting")
        DEADLINE_REMINDER = "deadline_reminder", _("Reminder of a deadline")
        DEADLINE_LAPSED = "deadline_lapsed", _("Deadline passed")
        EVENT_CHANGED = "event_changed", _("An event you registered for changed")

    class Delivery(models.TextChoices):
        AT_ONCE = "at_once", _("By e-mail at once")
        DIGEST = "digest", _("In a daily digest e-mail")
        OFF = "off", _("Off: in the inbox only, no e-mail")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # The event's object, named as the audit log names it ("match", "request", ...).
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    # A path on this site without its language prefix; the reader's language is put in front.
    link = models.CharField(max_length=500)
    # The plain values the subject and body are rendered from (references, labels' msgids).
    params = models.JSONField(default=dict)
    # How it was to reach the person by e-mail, chosen from their preference when it was made.
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["delivery", "emailed_at"], name="notification_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} to user {self.recipient_id}"


# Security and account notices reach the person by e-mail at once, whatever they chose.
MANDATORY = frozenset(
    {
        Notification.Kind.ROLE_VERIFIED,
        Notification.Kind.ROLE_REFUSED,
        Notification.Kind.ROLE_REVOKED,
        Notification.Kind.TWO_FACTOR_RESET,
    }
)

# What each kind of event is about, in the audit log's words.
OBJECT_TYPES: dict[str, str] = {
    Notification.Kind.ROLE_VERIFIED: "role",
    Notification.Kind.ROLE_REFUSED: "role",
    Notification.Kind.ROLE_REVOKED: "role",
    Notification.Kind.TWO_FACTOR_RESET: "user",
    Notification.Kind.REQUEST_SCREENING: "request",
    Notification.Kind.REQUEST_PUBLISHED: "request",
    Notification.Kind.REQUEST_CLOSED: "request",
    Notification.Kind.MATCH_PROPOSED: "match",
    Notification.Kind.MATCH_STATE_ANSWERED: "match",
    Notification.Kind.MATCH_PROVIDER_ANSWERED: "match",
    Notification.Kind.REVIEW_ASSIGNED: "review",
    Notification.Kind.PROPOSAL_DETERMINED: "proposal",
    Notification.Kind.TRANCHE_DISBURSED: "project",
    Notification.Kind.REQUEST_RETURNED: "request",
    Notification.Kind.CONTACT_CHECK_WAITING: "check_round",
    Notification.Kind.DEADLINE_REMINDER: "deadline",
    Notification.Kind.DEADLINE_LAPSED: "deadline",
    Notification.Kind.EVENT_CHANGED: "event",
}


class Preference(models.Model):
    """How one person wants one kind of notice by e-mail. No row: at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Notification.Kind.choices)
    delivery = models.CharField(max_length=10, choices=Notification.Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} {self.kind}: {self.delivery}"
