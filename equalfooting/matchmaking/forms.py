"""Forms that shape a decline for the services: a reason from the closed list and a note."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Match


class DeclineForm(forms.Form):
    """A decline: the reason category (required) and an optional note."""

    reason = forms.ChoiceField(label=_("Reason for declining"))
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, reasons: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["reason"])
        field.choices = [("", _("Choose a reason")), *reasons]


def state_decline_form(data: Any = None) -> DeclineForm:
    return DeclineForm(data, reasons=list(Match.StateDeclineReason.choices))


def provider_decline_form(data: Any = None) -> DeclineForm:
    return DeclineForm(data, reasons=list(Match.DeclineReason.choices))
