from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Round(models.Model):
    """A matching round: published inputs, the optimiser's proposal, and the decisions."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("matching round status", "Proposed, under review")
        PUBLISHED = "published", pgettext_lazy("matching round status", "Published")
        DISCARDED = "discarded", pgettext_lazy("matching round status", "Discarded")

    class Fairness(models.TextChoices):
        """The solver's fairness stage (`equalfooting match solve --fairness`)."""

        MAX_MIN_STATE = (
            "max-min-state",
            _("First the largest minimum share across States, then the most help"),
        )
        NONE = "none", _("The most help only")

    fairness = models.CharField(
        max_length=20, choices=Fairness.choices, default=Fairness.MAX_MIN_STATE
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    problem = models.JSONField()  # the published input file, exactly as solved
    solution = models.JSONField()  # the published output file
    parameters = models.JSONField(default=dict)  # how the weights were made
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"round {self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class MatchQuerySet(models.QuerySet["Match"]):
    def published(self) -> MatchQuerySet:
        """Matches of published rounds: a proposal under review is not yet public.

        Read from below as `request.matches.published()` or `offer.matches.published()`, so
        the parts under matchmaking need not import it to show their published matches.
        """
        return self.filter(round__status=Round.Status.PUBLISHED)

    def agreed(self) -> MatchQuerySet:
        """Matches both sides agreed to: the State accepted and the provider confirmed."""
        return self.filter(
            state_decision=Match.StateDecision.ACCEPTED,
            provider_decision=Match.ProviderDecision.CONFIRMED,
        )

    def ended(self) -> MatchQuerySet:
        """Matches declined or lapsed on either side: their pairs are never proposed again."""
        return self.filter(
            models.Q(state_decision__in=Match.ENDED_STATE)
            | models.Q(provider_decision__in=Match.ENDED_PROVIDER)
        )

    def live(self) -> MatchQuerySet:
        """Matches neither side has declined and no deadline has ended: they hold their units."""
        return self.exclude(state_decision__in=Match.ENDED_STATE).exclude(
            provider_decision__in=Match.ENDED_PROVIDER
        )


class Match(models.Model):
    """Units of one offer proposed for one request in a round."""

    class StateDecision(models.TextChoices):
        PENDING = "pending", _("Awaiting the State")
        ACCEPTED = "accepted", _("Accepted by the State")
        DECLINED = "declined", _("Declined by the State")
        LAPSED = "lapsed", _("Lapsed: the State did not answer in time")

    class ProviderDecision(models.TextChoices):
        PENDING = "pending", _("Awaiting the provider")
        CONFIRMED = "confirmed", _("Confirmed by the provider")
        DECLINED = "declined", _("Declined by the provider")
        LAPSED = "lapsed", _("Lapsed: the provider did not answer in time")

    class DeclineReason(models.TextChoices):
        NO_CAPACITY = "no_capacity", _("No capacity")
        LANGUAGE = "language", _("Language")
        DATES = "dates", _("Dates")
        LEGAL_RESTRICTION = "legal_restriction", _("Legal restriction")
        OTHER = "other", _("Other")

    class StateDeclineReason(models.TextChoices):
        """Why the requesting State declines a proposed match."""

        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
        MET_ELSEWHERE = "met_elsewhere", _("Met by other assistance")
        DOES_NOT_FIT = "does_not_fit", _("Does not fit the need")
        TIMING = "timing", _("Timing")
        OTHER = "other", _("Other")

    class DeliveryEvent(models.TextChoices):
        """What either side reports about an agreed match's delivery (not stored: audited)."""

        STARTED = "started", _("Delivery started")
        COMPLETED = "completed", _("Delivery completed")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="matches")
    request = models.ForeignKey(
        "needs.AssistanceRequest", on_delete=models.PROTECT, related_name="matches"
    )
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="matches")
    units = models.PositiveIntegerField()
    explanation = models.TextField(blank=True)
    state_decision = models.CharField(
        max_length=20, choices=StateDecision.choices, default=StateDecision.PENDING
    )
    state_decline_reason = models.CharField(
        max_length=20, choices=StateDeclineReason.choices, blank=True
    )
    state_note = models.TextField(blank=True, max_length=2000)
    provider_decision = models.CharField(
        max_length=20, choices=ProviderDecision.choices, default=ProviderDecision.PENDING
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    provider_note = models.TextField(blank=True, max_length=2000)
    delivery_started = models.BooleanField(default=False)
    completed_by_state = models.BooleanField(default=False)
    completed_by_provider = models.BooleanField(default=False)
    # When the second side said yes: the date the public figures count an agreement by.
    agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Decisions that end a match: a decline, or a deadline passed without an answer.
    ENDED_STATE = (StateDecision.DECLINED, StateDecision.LAPSED)
    ENDED_PROVIDER = (ProviderDecision.DECLINED, ProviderDecision.LAPSED)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["round", "request", "offer"]
        constraints = [
            models.UniqueConstraint(fields=["round", "request", "offer"], name="one_match_per_pair")
        ]
        # The Secretariat's list of the latest lapses reads back from the newest change, not
        # through every match there ever was.
        indexes = [models.Index(fields=["-updated_at"], name="match_latest_change")]

    def __str__(self) -> str:
        return f"match {self.pk}: {self.request_id} ← {self.offer_id} ({self.units})"

    @property
    def ended(self) -> bool:
        """Declined or lapsed on either side: the pair is never proposed again."""
        return self.state_decision in self.ENDED_STATE or self.provider_decision in (
            self.ENDED_PROVIDER
        )

    @property
    def awaits_state(self) -> bool:
        """The State has yet to answer, and the match has not ended on the provider's side."""
        return (
            self.state_decision == self.StateDecision.PENDING
            and self.provider_decision not in self.ENDED_PROVIDER
        )

    @property
    def awaits_provider(self) -> bool:
        """The provider has yet to answer, and the match has not ended on the State's side."""
        return (
            self.provider_decision == self.ProviderDecision.PENDING
            and self.state_decision not in self.ENDED_STATE
        )

    @property
    def is_public(self) -> bool:
        """A match is public once its round is published (the same rule as the exports)."""
        return self.round.status == Round.Status.PUBLISHED

    @property
    def agreed(self) -> bool:
        return (
            self.state_decision == self.StateDecision.ACCEPTED
            and self.provider_decision == self.ProviderDecision.CONFIRMED
        )
