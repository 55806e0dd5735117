from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StateProfile


class StateFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    subregion = forms.ChoiceField(label=_("Sub-region"), required=False)
    group = forms.ChoiceField(label=_("Group"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        for name, options in choices.items():
            self.fields[name].choices = every + options  # type: ignore[attr-defined]


class StateProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("official website"), required=False, assume_scheme="https")

    class Meta:
        model = StateProfile
        fields = ["summary", "national_cert", "strategy", "website"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
