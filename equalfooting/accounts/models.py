from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person with an account. What they may do comes only from their verified roles."""

    is_synthetic = models.BooleanField(default=False)
    # The language of the person's e-mails and notifications: one of the six.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails and notifications reach you in this language."),
    )


class RoleQuerySet(models.QuerySet["Role"]):
    def verified(self) -> RoleQuerySet:
        """The roles that grant rights; read by `permissions` as `user.roles.verified()`."""
        return self.filter(status=Role.Status.VERIFIED)


class Role(models.Model):
    """A user's role in the mechanism. A nomination gives no rights until it is verified."""

    class Kind(models.TextChoices):
        FOCAL_POINT = "focal_point", _("State focal point")
        PROVIDER = "provider", _("Provider representative")
        REVIEWER = "reviewer", _("Reviewer")
        SECRETARIAT = "secretariat", _("Secretariat")

    class FocalKind(models.TextChoices):
        DIPLOMATIC = "diplomatic", _("Diplomatic")
        TECHNICAL = "technical", _("Technical")

    class Status(models.TextChoices):
        NOMINATED = "nominated", pgettext_lazy("role status", "Nominated")
        VERIFIED = "verified", pgettext_lazy("role status", "Verified")
        REJECTED = "rejected", pgettext_lazy("role status", "Rejected")
        REVOKED = "revoked", pgettext_lazy("role status", "Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.ForeignKey(
        "registry.State", null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    provider = models.ForeignKey(
        "offers.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    focal_kind = models.CharField(max_length=20, choices=FocalKind.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOMINATED)
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("For example the note verbale that made the nomination."),
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["-nominated_at"]
        constraints = [
            # A focal point is bound to exactly one State, a provider to exactly one provider.
            models.CheckConstraint(
                name="role_binding",
                condition=(
                    Q(kind="focal_point", state__isnull=False, provider__isnull=True)
                    & ~Q(focal_kind="")
                )
                | Q(kind="provider", state__isnull=True, provider__isnull=False)
                | Q(
                    kind__in=["reviewer", "secretariat"], state__isnull=True, provider__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        bound = self.state or self.provider or ""
        return f"{self.user} {self.kind} {bound} ({self.status})"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once.

    A token opens the API until it expires or is revoked, and only while its owner's
    credentials are those it was made with: a new password or a changed second factor ends
    every token at once (`accounts.credentials`).
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    class Standing(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("token status", "Active")
        EXPIRED = "expired", pgettext_lazy("token status", "Expired")
        REVOKED = "revoked", pgettext_lazy("token status", "Revoked")
        SUPERSEDED = (
            "superseded",
            pgettext_lazy("token status", "Ended: the password or the second factor changed"),
        )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    # Created from a session that had passed 2FA: it may then act for privileged roles.
    two_factor = models.BooleanField(default=False)
    # A keyed digest of the owner's password and second factors when it was made.
    credentials = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class ResetAttempt(models.Model):
    """One request for a password-reset e-mail, kept a day so that they can be rate-limited
    per address and per account (`accounts.services.password_reset_permit`). The address and
    the e-mail given are stored only as keyed digests."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"reset attempt {self.key[:8]} at {self.at:%Y-%m-%d %H:%M}"
