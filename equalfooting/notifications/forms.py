from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MANDATORY, Notification


class PreferencesForm(forms.Form):
    """One choice per kind of notice; security and account notices are shown, fixed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            fixed = kind in MANDATORY
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Notification.Delivery.choices,
                initial=Notification.Delivery.AT_ONCE,
                disabled=fixed,
                help_text=_("Security and account notices cannot be turned off.") if fixed else "",
            )

    def choices(self) -> dict[str, str]:
        """The choices to save: the kinds a person may change."""
        return {kind: value for kind, value in self.cleaned_data.items() if kind not in MANDATORY}
