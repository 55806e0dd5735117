from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from equalfooting.core import languages
from equalfooting.core.i18n import pick

from . import framework as fw
from .models import AssistanceRequest
from .principles import PRINCIPLES


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.ChoiceField(label=_("Theme"))
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=AssistanceRequest.Kind.choices)
    units = forms.IntegerField(label=_("Units needed"), min_value=1)
    unit = forms.ChoiceField(label=_("Unit"), choices=AssistanceRequest.Unit.choices)
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple)
    modalities = forms.MultipleChoiceField(
        label=_("Modalities"),
        choices=AssistanceRequest.Modality.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    desired_start = forms.DateField(
        label=_("Desired start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    desired_end = forms.DateField(
        label=_("Desired end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=AssistanceRequest.Urgency.choices,
        initial=AssistanceRequest.Urgency.MEDIUM,
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    gaps = forms.MultipleChoiceField(
        label=_("Gaps addressed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Indicators of the self-assessment this request addresses."),
    )
    principles = forms.MultipleChoiceField(
        label=_("Principles this request holds to"),
        required=False,
        choices=list(PRINCIPLES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The capacity-building principles of the 2021 report of the Open-ended "
            "Working Group (A/75/816, para. 56)."
        ),
    )
    principles_note = forms.CharField(
        label=_("Note on the principles"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        framework = fw.load()
        self.fields["theme"].choices = [(d.code, pick(d.name)) for d in framework.dimensions]  # type: ignore[attr-defined]
        self.fields["gaps"].choices = [(i.code, pick(i.name)) for i in framework.indicators]  # type: ignore[attr-defined]
        self.fields["languages"].choices = languages.choices()  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["principles"] = {code: code in data["principles"] for code in PRINCIPLES}
        return data

    @staticmethod
    def initial_from(request: AssistanceRequest) -> dict[str, Any]:
        initial = {
            name: getattr(request, name)
            for name in (
                "title",
                "theme",
                "kind",
                "units",
                "unit",
                "languages",
                "modalities",
                "desired_start",
                "desired_end",
                "urgency",
                "description",
                "gaps",
                "principles_note",
            )
        }
        initial["principles"] = [code for code, held in (request.principles or {}).items() if held]
        return initial


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=AssistanceRequest.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
