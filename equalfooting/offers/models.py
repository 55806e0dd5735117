from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Provider(models.Model):
    """An organisation that offers assistance through the mechanism."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        UN_ENTITY = "un_entity", _("United Nations entity")
        REGIONAL = "regional", _("Regional organisation")
        ACADEMIA = "academia", _("Academia")
        INDUSTRY = "industry", _("Industry")
        CIVIL_SOCIETY = "civil_society", _("Civil society")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    state = models.ForeignKey(
        "registry.State",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="For a State acting as a provider.",
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """Assistance a provider makes available through the mechanism — to every State.

    There is deliberately no field that could name a State or a group of States: eligibility
    may depend only on theme, language, modality and dates.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("offer status", "Draft")
        PUBLISHED = "published", pgettext_lazy("offer status", "Published")
        FULLY_BOOKED = "fully_booked", pgettext_lazy("offer status", "Fully booked")
        CLOSED = "closed", pgettext_lazy("offer status", "Closed")
        WITHDRAWN = "withdrawn", pgettext_lazy("offer status", "Withdrawn")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(_("title"), max_length=200)
    themes = models.JSONField(_("themes"), default=list)
    kind = models.CharField(_("kind of assistance"), max_length=20)
    languages = models.JSONField(_("languages"), default=list)
    modalities = models.JSONField(_("modalities"), default=list)
    capacity = models.PositiveIntegerField(_("capacity"))
    unit = models.CharField(_("unit"), max_length=20)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=2000)
    principles = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="capacity_positive", condition=models.Q(capacity__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_public(self) -> bool:
        """Everyone may see an offer once it left its draft (read by `permissions`)."""
        return self.status != self.Status.DRAFT

    @property
    def reference(self) -> str:
        return f"OFF-{self.pk:05d}" if self.pk else "OFF-new"
