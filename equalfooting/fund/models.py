from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorityEntry(models.Model):
    """A request the pooled fund takes up first: a provider could not serve it because of a
    legal restriction, so no State is left without help by a measure it does not control."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        TAKEN_UP = "taken_up", _("Taken up by the fund")
        CLOSED = "closed", _("Closed")

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
