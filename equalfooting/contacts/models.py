from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PointOfContact(models.Model):
    """A diplomatic or technical point of contact a State nominated for the directory."""

    class Kind(models.TextChoices):
        DIPLOMATIC = "diplomatic", _("Diplomatic")
        TECHNICAL = "technical", _("Technical")

    class Status(models.TextChoices):
        NOMINATED = "nominated", pgettext_lazy("point of contact status", "Nominated")
        VERIFIED = "verified", pgettext_lazy("point of contact status", "Verified")
        WITHDRAWN = "withdrawn", pgettext_lazy("point of contact status", "Withdrawn")

    state = models.ForeignKey("registry.State", on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.CharField(_("ministry or agency"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOMINATED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["state", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.state_id}, {self.kind})"


class CheckRound(models.Model):
    """A contact check: every verified contact is asked to acknowledge a one-time link."""

    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    launched_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-launched_at"]

    def __str__(self) -> str:
        return f"check round {self.pk}"


class ContactCheck(models.Model):
    """One contact's check in a round: written by the round's job, then sent, then answered.

    A check not yet sent (`sent_at` null) holds the hash of a token nobody has: its e-mail gets
    a fresh token when it is sent, so a link exists only in an e-mail that left.
    """

    round = models.ForeignKey(CheckRound, on_delete=models.CASCADE, related_name="checks")
    contact = models.ForeignKey(PointOfContact, on_delete=models.CASCADE, related_name="checks")
    # Only a hash of the one-time token is kept; the token itself exists only in the e-mail.
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Its deadline passed without an acknowledgement (a later one is still recorded).
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "contact"]
        constraints = [
            models.UniqueConstraint(fields=["round", "contact"], name="one_check_per_round")
        ]

    def __str__(self) -> str:
        return f"check {self.round_id}/{self.contact_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def response_hours(self) -> float | None:
        if self.acknowledged_at is None or self.sent_at is None:
            return None
        return (self.acknowledged_at - self.sent_at).total_seconds() / 3600
