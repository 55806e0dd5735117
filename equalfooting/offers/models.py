from django.db import models
from django.utils.translation import gettext_lazy as _


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
