from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssessmentStatus(models.TextChoices):
    """`Assessment.Status`, defined out here so the model's Meta can name it in a constraint."""

    DRAFT = "draft", pgettext_lazy("self-assessment status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("self-assessment status", "Submitted")


class Assessment(models.Model):
    """A State's self-assessment against one version of the framework.

    A draft is edited in place; submitting freezes it as the next version, so the history is
    kept. Confidential by default: only the State and the Secretariat see a private one.
    """

    Status = AssessmentStatus

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: the State and the Secretariat only")
        PROVIDERS = "providers", _("Shared with providers")
        PUBLIC = "public", _("Public")

    state = models.ForeignKey(
        "registry.State", on_delete=models.PROTECT, related_name="assessments"
    )
    framework_version = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Set on submission.")
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # {indicator code: {"stage": 1..5, "note": "…"}}
    answers = models.JSONField(default=dict)
    # {dimension code: target stage}
    targets = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["state", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(status=AssessmentStatus.DRAFT),
                name="one_draft_per_state",
            ),
            models.UniqueConstraint(fields=["state", "version"], name="one_number_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.state_id} assessment v{self.version or self.Status.DRAFT}"

    @property
    def is_public(self) -> bool:
        """A submitted version its State made public."""
        return self.is_shared_with({self.Visibility.PUBLIC})

    def is_shared_with(self, audiences: set[str]) -> bool:
        """Whether a submitted version is shared with one of these audiences (`Visibility`)."""
        return self.status == self.Status.SUBMITTED and self.visibility in audiences


class AssistanceRequestQuerySet(models.QuerySet["AssistanceRequest"]):
    def public(self) -> AssistanceRequestQuerySet:
        """Requests once submitted: a draft, and a draft withdrawn before it was ever
        submitted, stay with their State. Every public count of requests starts here."""
        return self.exclude(submitted_at=None)


class AssistanceRequest(models.Model):
    """A State's request for assistance, linked to the gaps it addresses."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        ADVISORY = "advisory", _("Advisory")
        EXERCISE = "exercise", _("Exercise")
        EQUIPMENT = "equipment", _("Equipment or software")
        ASSESSMENT = "assessment", _("Assessment")
        FUNDING = "funding", _("Funding")

    class Unit(models.TextChoices):
        TRAINEE_PLACES = "trainee_places", _("trainee places")
        EXPERT_DAYS = "expert_days", _("expert days")
        AMOUNT = "amount", _("amount (United States dollars)")

    class Modality(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("request status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("request status", "Submitted")
        SCREENING = "screening", pgettext_lazy("request status", "Screening")
        RETURNED = "returned", pgettext_lazy("request status", "Returned for information")
        OPEN = "open", pgettext_lazy("request status", "Open")
        PARTLY_MATCHED = "partly_matched", pgettext_lazy("request status", "Partly matched")
        MATCHED = "matched", pgettext_lazy("request status", "Matched")
        IN_DELIVERY = "in_delivery", pgettext_lazy("request status", "In delivery")
        COMPLETED = "completed", pgettext_lazy("request status", "Completed")
        WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")
        CLOSED_UNMET = "closed_unmet", pgettext_lazy("request status", "Closed, unmet")

    state = models.ForeignKey("registry.State", on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=40)
    kind = models.CharField(_("kind of assistance"), max_length=20, choices=Kind.choices)
    units = models.PositiveIntegerField(_("units needed"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    languages = models.JSONField(_("languages"), default=list)
    modalities = models.JSONField(_("modalities"), default=list)
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    desired_end = models.DateField(_("desired end"), null=True, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    description = models.TextField(_("description"), max_length=2000)
    # Indicator codes of the framework this request addresses.
    gaps = models.JSONField(_("gaps addressed"), default=list, blank=True)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    principles = models.JSONField(default=dict)
    principles_note = models.TextField(_("note on the principles"), blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    objects = AssistanceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="units_positive", condition=Q(units__gt=0)),
            models.CheckConstraint(
                name="dates_in_order",
                condition=Q(desired_start__isnull=True)
                | Q(desired_end__isnull=True)
                | Q(desired_start__lte=models.F("desired_end")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_public(self) -> bool:
        """Everyone may see a request once it was submitted (read by `permissions`); the
        same rule as `AssistanceRequestQuerySet.public`."""
        return self.submitted_at is not None

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:05d}" if self.pk else "REQ-new"


class RequestTransition(models.Model):
    """One step of a request's workflow, kept for the record and for the statistics."""

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20)
    target = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.source} → {self.target}"

    @property
    def target_label(self) -> str:
        return str(AssistanceRequest.Status(self.target).label)
