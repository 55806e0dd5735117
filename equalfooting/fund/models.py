from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PriorityEntry(models.Model):
    """A request the pooled fund takes up first: a provider could not serve it because of a
    legal restriction, so no State is left without help by a measure it does not control."""

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("priority queue entry status", "Waiting")
        TAKEN_UP = "taken_up", pgettext_lazy("priority queue entry status", "Taken up by the fund")
        CLOSED = "closed", pgettext_lazy("priority queue entry status", "Closed")

    request = models.ForeignKey(
        "needs.AssistanceRequest", on_delete=models.PROTECT, related_name="priority_entries"
    )
    match = models.OneToOneField(
        "matchmaking.Match", null=True, on_delete=models.PROTECT, related_name="priority_entry"
    )
    units = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"priority {self.request_id} ({self.units})"


FUND_CURRENCY = "USD"


class ExchangeRate(models.Model):
    """A rate the Secretariat recorded: how many fund-currency units one unit buys."""

    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=300)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="one_rate_per_currency_day"),
            models.CheckConstraint(name="rate_positive", condition=models.Q(rate__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.date})"


class Contributor(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.ForeignKey("registry.State", null=True, blank=True, on_delete=models.PROTECT)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """Money pledged, then paid, to the fund. Earmarked by theme at most — never by State."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", pgettext_lazy("contribution status", "Pledged")
        RECEIVED = "received", pgettext_lazy("contribution status", "Received")
        CANCELLED = "cancelled", pgettext_lazy("contribution status", "Cancelled")

    contributor = models.ForeignKey(
        Contributor, on_delete=models.PROTECT, related_name="contributions"
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT)
    amount_fund = models.DecimalField(
        _("amount in the fund's currency"), max_digits=18, decimal_places=2
    )
    theme = models.CharField(_("soft earmark (theme)"), max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLEDGED)
    pledged_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pledged_at"]
        constraints = [
            models.CheckConstraint(name="contribution_positive", condition=models.Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.contributor}: {self.amount} {self.currency}"


class Account(models.Model):
    """A ledger account. Balances are in the fund's currency, in cents, and never negative —
    except the one external account that stands for the world outside the fund."""

    class Code(models.TextChoices):
        """The fund's own accounts. The others are named by `ledger.envelope` (a State's
        envelope) and `ledger.committed` (a project's commitment)."""

        EXTERNAL = "external"  # the world outside the fund
        PLEDGED = "pledged"
        AVAILABLE = "available"
        DISBURSED = "disbursed"

    code = models.CharField(max_length=60, unique=True)
    balance = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="balance_not_negative",
                condition=models.Q(balance__gte=0) | models.Q(code="external"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.balance}"


class LedgerTransaction(models.Model):
    """One double entry: an amount leaves one account and enters another."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Pledge")
        RECEIPT = "receipt", _("Receipt")
        CANCELLATION = "cancellation", _("Cancellation")
        ALLOCATION = "allocation", _("Allocation to an envelope")
        COMMITMENT = "commitment", _("Commitment to a project")
        DISBURSEMENT = "disbursement", _("Disbursement")
        REFUND = "refund", _("Refund")
        SPONSORSHIP = "sponsorship", _("Sponsorship of delegates")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")  # receives
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")  # gives
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    memo = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=60, blank=True)
    actor = models.CharField(max_length=100)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(name="transaction_positive", condition=models.Q(amount__gt=0))
        ]
        # A project's moves are read by its reference (its page, the IATI file), in ledger order.
        indexes = [models.Index(fields=["reference", "at"], name="transaction_reference_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}: {self.credit_id} → {self.debit_id}"


class Project(models.Model):
    """An approved project of a State, funded from its envelope or the priority queue."""

    class Status(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("project status", "Approved")
        IN_PROGRESS = "in_progress", pgettext_lazy("project status", "In progress")
        COMPLETED = "completed", pgettext_lazy("project status", "Completed")

    state = models.ForeignKey("registry.State", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    committed = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPROVED)
    created_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        # The Secretariat's list of projects to pay reads the approved ones.
        indexes = [models.Index(fields=["status"], name="project_status")]

    def __str__(self) -> str:
        return f"PRJ-{self.pk:05d} {self.title}"

    @property
    def reference(self) -> str:
        return f"PRJ-{self.pk:05d}"


class AllocationRound(models.Model):
    """A run of the allocation formula: parameters, inputs with opaque keys, results."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("allocation round status", "Proposed, under review")
        PUBLISHED = "published", pgettext_lazy("allocation round status", "Published")
        DISCARDED = "discarded", pgettext_lazy("allocation round status", "Discarded")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    inputs = models.JSONField()  # exactly what the formula saw: keys, never names
    result = models.JSONField()
    keys = models.JSONField()  # key → ISO3, published with the round
    sources = models.JSONField(default=dict)  # where each indicator came from
    opened_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"allocation round {self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Allocation(models.Model):
    """One State's figure in a published allocation round (its envelope)."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="allocations")
    state = models.ForeignKey(
        "registry.State", on_delete=models.PROTECT, related_name="allocations"
    )
    key = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    binding = models.CharField(max_length=10)
    explanation = models.TextField()

    class Meta:
        ordering = ["round", "key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "state"], name="one_allocation_per_state")
        ]

    def __str__(self) -> str:
        return f"{self.state_id}: {self.amount}"


class Indicator(models.Model):
    """An indicator value for a State, with its source: population, GNI per capita, need…"""

    state = models.ForeignKey("registry.State", on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=60)
    year = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=6)
    source = models.CharField(max_length=300)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["state", "code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["state", "code", "year"], name="one_value_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.state_id} {self.code} {self.year}: {self.value}"


class Proposal(models.Model):
    """A State's proposal for a project, against its envelope or the priority queue."""

    class Basis(models.TextChoices):
        ENVELOPE = "envelope", _("The State's envelope")
        PRIORITY = "priority", _("The priority queue (a legal restriction blocked a provider)")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("proposal status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal status", "Submitted")
        UNDER_REVIEW = "under_review", pgettext_lazy("proposal status", "Under review")
        APPROVED = "approved", pgettext_lazy("proposal status", "Approved")
        REVISE = "revise", pgettext_lazy("proposal status", "Revision requested")
        DECLINED = "declined", pgettext_lazy("proposal status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")

    state = models.ForeignKey("registry.State", on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=4000)
    theme = models.CharField(_("theme"), max_length=40)
    amount = models.DecimalField(_("amount requested (USD)"), max_digits=18, decimal_places=2)
    basis = models.CharField(
        _("funded from"), max_length=20, choices=Basis.choices, default=Basis.ENVELOPE
    )
    priority_entry = models.ForeignKey(
        PriorityEntry, null=True, blank=True, on_delete=models.PROTECT
    )
    principles = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    determination_reason = models.TextField(blank=True, max_length=2000)
    project = models.OneToOneField(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="proposal_amount_positive", condition=models.Q(amount__gt=0)
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        # Opaque to reviewers: it says nothing about the State.
        return f"P-{self.pk:05d}"


class ConflictDeclaration(models.Model):
    """A reviewer declares a conflict of interest with a State; no proposal of it reaches them."""

    reviewer = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="conflicts"
    )
    state = models.ForeignKey("registry.State", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "state"], name="one_declaration_per_state")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} ≠ {self.state_id}"


class Review(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("review status", "Assigned")
        SUBMITTED = "submitted", pgettext_lazy("review status", "Submitted")

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REVISE = "revise", _("Ask for a revision")
        DECLINE = "decline", _("Decline")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    scores = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=20, blank=True, choices=Recommendation.choices)
    comments = models.TextField(blank=True, max_length=4000)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"review of {self.proposal_id} by {self.reviewer_id}"


class ResultsReport(models.Model):
    """What a funded project achieved, reported by the State's focal point."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("results"), max_length=4000)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"report on {self.project_id}"
