from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from equalfooting.core.i18n import pick


class ReferenceSource(models.Model):
    """Where one reference-data file comes from, as its manifest says."""

    file = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    source = models.TextField()
    as_of = models.DateField()
    notes = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["file"]

    def __str__(self) -> str:
        return self.file


class Region(models.Model):
    """A UN M49 region or sub-region."""

    m49 = models.CharField(max_length=3, primary_key=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    names = models.JSONField()

    class Meta:
        ordering = ["m49"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.names)


class Group(models.Model):
    """A UN country grouping with special needs: LDC, LLDC or SIDS."""

    LABELS = {
        "LDC": _("Least Developed Countries"),
        "LLDC": _("Landlocked Developing Countries"),
        "SIDS": _("Small Island Developing States"),
    }

    code = models.CharField(max_length=10, unique=True)
    source_file = models.ForeignKey(ReferenceSource, on_delete=models.PROTECT)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.code, self.code))


class State(models.Model):
    class Status(models.TextChoices):
        MEMBER = "member", _("Member State")
        OBSERVER = "observer", _("Observer State")

    class IncomeGroup(models.TextChoices):
        LOW = "L", _("Low income")
        LOWER_MIDDLE = "LM", _("Lower-middle income")
        UPPER_MIDDLE = "UM", _("Upper-middle income")
        HIGH = "H", _("High income")

    iso3 = models.CharField(max_length=3, unique=True)
    iso2 = models.CharField(max_length=2, unique=True)
    m49 = models.CharField(max_length=3, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    subregion = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="states")
    short_name = models.JSONField()
    formal_name = models.JSONField()
    # Every name in every language, case- and accent-folded, for search in any language.
    search_text = models.TextField(editable=False)
    income_group = models.CharField(max_length=2, choices=IncomeGroup.choices, blank=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="states")

    class Meta:
        ordering = ["iso3"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.short_name)

    @property
    def formal(self) -> str:
        return pick(self.formal_name)


class Organisation(models.Model):
    """A regional, sub-regional or inter-regional organisation of States."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        SUBREGIONAL = "subregional", _("Sub-regional")
        INTERREGIONAL = "interregional", _("Inter-regional")

    code = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    names = models.JSONField()
    ict_programme = models.BooleanField(
        help_text="Runs an ICT-security capacity-building programme for its members."
    )
    programme = models.CharField(max_length=300, blank=True)
    website = models.CharField(max_length=200, blank=True)
    source = models.TextField()
    as_of = models.DateField()
    programme_source = models.TextField(blank=True)
    members = models.ManyToManyField(State, related_name="organisations")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return pick(self.names)


class StateProfile(models.Model):
    """The public part of a State's profile, kept by its own verified focal points."""

    state = models.OneToOneField(State, on_delete=models.CASCADE, related_name="profile")
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=4000,
        help_text=_("The State's own short description of its ICT-security capacity."),
    )
    national_cert = models.CharField(_("national CERT or CSIRT"), max_length=200, blank=True)
    strategy = models.CharField(_("national cybersecurity strategy"), max_length=300, blank=True)
    website = models.URLField(_("official website"), blank=True)
    is_synthetic = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return f"profile of {self.state.iso3}"
