"""The register of capacity-building activities, from every source.

The mechanism sees its own requests, offers, matches and projects; the register adds what
happens outside it (bilateral, regional and multilateral programmes), so that duplication and
blind spots can be seen. Each record says where it came from and as of when.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Activity(models.Model):
    """One capacity-building activity: who gives and funds it, for whom, on what, when."""

    class Modality(models.TextChoices):
        TRAINING = "training", _("Training")
        TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
        EQUIPMENT = "equipment", _("Equipment or software")
        EXERCISE = "exercise", _("Exercise")
        FELLOWSHIP = "fellowship", _("Fellowship")
        STUDY = "study", _("Study or research")

    class Phase(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("activity phase", "Planned")
        ONGOING = "ongoing", pgettext_lazy("activity phase", "Ongoing")
        COMPLETED = "completed", pgettext_lazy("activity phase", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("activity phase", "Cancelled")

    class Source(models.TextChoices):
        SELF_REPORTED = "self_reported", _("Self-reported")
        IMPORTED = "imported", _("Imported")
        MECHANISM = "mechanism", _("The mechanism's own")

    class Curation(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("curation status", "Submitted")
        UNDER_CURATION = "under_curation", pgettext_lazy("curation status", "Under curation")
        PUBLISHED = "published", pgettext_lazy("curation status", "Published")
        DECLINED = "declined", pgettext_lazy("curation status", "Declined")

    class Budget(models.TextChoices):
        """Bands, not amounts: what programmes publish is rarely more exact than this."""

        UNKNOWN = "unknown", _("Not stated")
        UNDER_100K = "under_100k", _("Under 100,000")
        UNDER_1M = "under_1m", _("100,000 to 1 million")
        UNDER_10M = "under_10m", _("1 million to 10 million")
        OVER_10M = "over_10m", _("Over 10 million")

        @classmethod
        def of(cls, amount: Any) -> str:
            """The band an amount falls in (in whatever currency it is given)."""
            for band, ceiling in (
                (cls.UNDER_100K, 100_000),
                (cls.UNDER_1M, 1_000_000),
                (cls.UNDER_10M, 10_000_000),
            ):
                if amount < ceiling:
                    return band
            return cls.OVER_10M

    title = models.CharField(_("title"), max_length=300)
    # The language the title and description are written in (one of the six, or another).
    title_language = models.CharField(_("language of the title"), max_length=10)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    providers = models.JSONField(_("providers"), default=list)  # names, as the source gives them
    funders = models.JSONField(_("funders"), default=list)
    provider_kind = models.CharField(_("type of provider"), max_length=20)  # offers.Provider.Kind
    beneficiaries = models.ManyToManyField(
        "registry.State",
        blank=True,
        related_name="activities",
        verbose_name=_("beneficiary States"),
    )
    # Or, for an activity open to a whole region or group rather than named States:
    beneficiary_region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beneficiary_group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    themes = models.JSONField(_("themes"), default=list)  # the framework's dimension codes
    modality = models.CharField(_("modality"), max_length=30, choices=Modality.choices)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    budget = models.CharField(
        _("budget"), max_length=20, choices=Budget.choices, default=Budget.UNKNOWN
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)  # ISO 4217
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    languages = models.JSONField(_("languages"), default=list)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(_("source details"), max_length=300, blank=True)
    # The record's own key at its source (an IATI identifier, a match or project reference),
    # so that a later import or sync updates the record instead of adding another.
    source_key = models.CharField(max_length=200, blank=True)
    as_of = models.DateField(_("as of"))
    # How an imported record's codes were read (an IATI file's countries, regions, sectors,
    # organisation types and status): [what the file says, what the register made of it].
    mapping = models.JSONField(default=list, blank=True)
    curation = models.CharField(max_length=20, choices=Curation.choices)
    curator_note = models.TextField(_("curator's note"), max_length=2000, blank=True)
    # A beneficiary State asked that this record be shown only in aggregate: it is counted in
    # figures, never listed or shown on its own.
    aggregate_only = models.BooleanField(default=False)
    # Merged by the Secretariat into the record that now stands for both (a duplicate): no
    # longer listed or counted on its own, until the merge is undone.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    proposed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_for_provider = models.ForeignKey(
        "offers.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_for_state = models.ForeignKey(
        "registry.State", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)
    # The beneficiaries' keys once read (not a column): see `beneficiary_ids`.
    _beneficiary_ids: set[int] | None = None

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source_key=""),
                name="activity_source_key_unique",
            ),
            models.CheckConstraint(
                name="activity_dates_ordered",
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(start__lte=models.F("end")),
            ),
        ]
        # The public register reads published records newest first; the queue, by status.
        indexes = [models.Index(fields=["curation", "aggregate_only", "-id"], name="activity_list")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"ACT-{self.pk:05d}" if self.pk else "ACT-new"

    @property
    def is_published(self) -> bool:
        """Published and standing on its own (not merged into another record)."""
        return self.curation == self.Curation.PUBLISHED and self.merged_into_id is None

    @property
    def is_public(self) -> bool:
        """Shown to everyone: published, and not kept to aggregates (read by `permissions`)."""
        return self.is_published and not self.aggregate_only

    @property
    def beneficiary_ids(self) -> set[int]:
        """The beneficiary States' keys, read once (`permissions` tests them)."""
        cached = self._beneficiary_ids
        if cached is None:
            # Prefetched by the selectors that list records; one query otherwise.
            cached = {s.pk for s in self.beneficiaries.all()} if self.pk else set()
            self._beneficiary_ids = cached
        return cached


class Merge(models.Model):
    """The Secretariat merged one record (`absorbed`) into another (`kept`): the kept record
    took the union of both records' names, States, themes and languages. What the kept record
    was before is kept here, so the merge can be undone exactly."""

    kept = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="merges_absorbed")
    before = models.JSONField()  # the kept record's merged fields, as they were
    merged_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"merge of {self.absorbed_id} into {self.kept_id}"


class KeptApart(models.Model):
    """Two records the Secretariat found not to be duplicates: never proposed as a pair again.
    Stored with the smaller key first."""

    first = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="kept_apart_once"),
            models.CheckConstraint(
                name="kept_apart_ordered", condition=models.Q(first__lt=models.F("second"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} and {self.second_id} kept apart"


class ImportBatch(models.Model):
    """A spreadsheet the Secretariat gave for import: kept as given, with the digest of the
    plan its dry run showed, so that what is written is exactly what was shown."""

    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    plan_digest = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.file_name})"


class Correction(models.Model):
    """A correction to a published record, proposed by a provider or a State and decided by
    the Secretariat. Only the fields it changes are kept; the record changes only when the
    correction is accepted."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("correction status", "Submitted")
        APPLIED = "applied", pgettext_lazy("correction status", "Accepted")
        DECLINED = "declined", pgettext_lazy("correction status", "Declined")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="corrections")
    changes = models.JSONField()  # {field: the proposed value, as the proposal form gives it}
    reason = models.TextField(_("what is wrong, and how you know"), max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decision_note = models.TextField(blank=True, max_length=2000)
    proposed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_for_provider = models.ForeignKey(
        "offers.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_for_state = models.ForeignKey(
        "registry.State", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"correction {self.pk} of {self.activity_id}"

    @property
    def awaits_decision(self) -> bool:
        return self.status == self.Status.SUBMITTED


class SearchDocument(models.Model):
    """One public text the search finds: a record of the register, a request or an offer (in
    `search`). Derived and rebuildable: the words are indexed in a table of the database's own
    (SQLite FTS5, or a PostgreSQL text-search vector) whose row has this row's key."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Record of the register")
        REQUEST = "request", _("Request for assistance")
        OFFER = "offer", _("Offer of assistance")
        DOCUMENT = "document", _("Document of the library")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The row the text was read from, and the item a result links to: the same row, except
    # for a record merged into another, which is found as a language version of that other.
    source_id = models.PositiveIntegerField()
    item_id = models.PositiveIntegerField()
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=400, blank=True)
    # The source row's `updated_at` when it was read: a later change makes it stale.
    read_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)
    # The text that stands for its item in the results (the others are its language versions).
    primary = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="search_document_unique")
        ]
        indexes = [models.Index(fields=["kind", "item_id"], name="search_document_item")]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"


class SearchFacet(models.Model):
    """A value a search result can be narrowed by: its theme, region, group, modality, year,
    type of provider, source, kind."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["name", "value"], name="search_facet_value")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Event(models.Model):
    """A date in the calendar of the mechanism and of capacity-building: a Global Mechanism
    plenary or thematic-group session, a roundtable, a training, a call or a round's
    deadline. Kept by the Secretariat; public once published."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary session")
        THEMATIC_GROUP = "thematic_group", _("Thematic-group session")
        ROUNDTABLE = "roundtable", _("Roundtable")
        TRAINING = "training", _("Training")
        CALL = "call", _("Call")
        DEADLINE = "deadline", _("Round deadline")

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        PUBLISHED = "published", pgettext_lazy("event status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind of event"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # Where the event's own clock is (an IANA name): its times are shown in it, and in UTC.
    time_zone = models.CharField(_("time zone"), max_length=64)
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    # The languages interpreted into (codes of the six).
    interpretation = models.JSONField(_("interpretation"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    region = models.ForeignKey(
        "registry.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    takes_registration = models.BooleanField(_("takes registration"), default=False)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Raised on every change, so calendar programs replace the copy they hold (RFC 5545).
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_start",
                condition=models.Q(ends_at__gte=models.F("starts_at")),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_calendar")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"EVT-{self.pk:05d}" if self.pk else "EVT-new"

    @property
    def is_public(self) -> bool:
        """Shown to everyone once published, and still once cancelled (marked so)."""
        return self.status != self.Status.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def in_person_only(self) -> bool:
        return self.attendance == self.Attendance.IN_PERSON


class Registration(models.Model):
    """A person registered for an event that takes registration."""

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("registration status", "Registered")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")
        ]

    def __str__(self) -> str:
        return f"registration of {self.person_id} for {self.event_id}"

    @property
    def is_registered(self) -> bool:
        return self.status == self.Status.REGISTERED


class CalendarLink(models.Model):
    """A person's private calendar feed: their deadlines and the events they registered for.
    Only the link's digest is kept; the link is shown once, when it is made."""

    person = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="calendar_link"
    )
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the link's secret
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar link of {self.person_id}"


class SponsorshipCall(models.Model):
    """The Secretariat's call to sponsor delegates of States to attend an event, with a budget
    moved from the fund to the call's own ledger account (`sponsorship:EVT-…`)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("sponsorship call status", "Open for applications")
        SELECTED = "selected", pgettext_lazy("sponsorship call status", "Places decided")

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="sponsorship")
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    closes_at = models.DateTimeField(_("applications close"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # The published file (opaque keys only) and the decisions the rule gave, once selected;
    # `keys` says which State and application each key stands for (not published).
    selection_input = models.JSONField(null=True, blank=True)
    selection_result = models.JSONField(null=True, blank=True)
    keys = models.JSONField(default=dict, blank=True)
    opened_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    selected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="sponsorship_budget_positive", condition=models.Q(budget__gt=0)
            )
        ]

    def __str__(self) -> str:
        return f"sponsorship call for {self.event_id}"

    @property
    def account(self) -> str:
        return f"sponsorship:{self.event.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_selected(self) -> bool:
        return self.status == self.Status.SELECTED


class SponsorshipApplication(models.Model):
    """A focal point's application for one of their State's delegates."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        NOT_STATED = "not_stated", _("Not stated")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("sponsorship application status", "Submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("sponsorship application status", "Withdrawn")
        SELECTED = "selected", pgettext_lazy("sponsorship application status", "Sponsored")
        NOT_SELECTED = (
            "not_selected",
            pgettext_lazy("sponsorship application status", "Not sponsored"),
        )

    call = models.ForeignKey(SponsorshipCall, on_delete=models.PROTECT, related_name="applications")
    state = models.ForeignKey("registry.State", on_delete=models.PROTECT, related_name="+")
    delegate = models.CharField(_("delegate's name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices)
    # The State's own order of its delegates: 1 is the one it most wants sponsored.
    rank = models.PositiveSmallIntegerField(_("rank"))
    cost = models.DecimalField(_("cost of the place"), max_digits=12, decimal_places=2)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.CharField(max_length=20, blank=True)  # the rule's reason, once decided
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state_id", "rank", "pk"]
        constraints = [
            models.CheckConstraint(name="sponsorship_cost_positive", condition=models.Q(cost__gt=0))
        ]

    def __str__(self) -> str:
        return f"application {self.pk} to {self.call_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_selected(self) -> bool:
        return self.status == self.Status.SELECTED


class Document(models.Model):
    """A document of the library: a national strategy, a guide, a curriculum, a report, in one
    or more language versions (`DocumentVersion`)."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("National strategy")
        GUIDE = "guide", _("Guide")
        CURRICULUM = "curriculum", _("Curriculum")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other document")

    class Licence(models.TextChoices):
        CC_BY = "cc_by_4", _("Creative Commons Attribution 4.0")
        CC_BY_SA = "cc_by_sa_4", _("Creative Commons Attribution-ShareAlike 4.0")
        CC0 = "cc0", _("Public domain (CC0)")
        UN = "un_terms", _("United Nations terms of use")
        PERMISSION = "permission", _("Shared with the author's permission; all rights reserved")

    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    # Who published it, and where it was found: a document is only as good as its source.
    source = models.CharField(_("source"), max_length=300)
    published_on = models.DateField(_("date of publication"), null=True, blank=True)
    state = models.ForeignKey(
        "registry.State",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("State"),
    )
    added_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-added_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DOC-{self.pk:05d}" if self.pk else "DOC-new"


class DocumentVersion(models.Model):
    """One language version of a document: its title in that language and its file, kept
    outside the web root under a name made of its digest, served only through the library."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    filename = models.CharField(max_length=200)  # as uploaded, cleaned, for the download
    media_type = models.CharField(max_length=100)  # as the content shows it, not as named
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The words of the file, for search (empty when none could be read, e.g. a scanned PDF).
    text = models.TextField(blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["document", "language"], name="one_version_a_language")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} ({self.language})"
