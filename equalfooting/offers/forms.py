from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from equalfooting.core import languages
from equalfooting.core.i18n import pick
from equalfooting.needs import framework as fw
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.principles import PRINCIPLES

from .models import Offer, Provider


class OfferForm(forms.Form):
    """Objective criteria only. There is no field to name or exclude a State."""

    title = forms.CharField(label=_("Title"), max_length=200)
    themes = forms.MultipleChoiceField(label=_("Themes"), widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=AssistanceRequest.Kind.choices)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1)
    unit = forms.ChoiceField(label=_("Unit"), choices=AssistanceRequest.Unit.choices)
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple)
    modalities = forms.MultipleChoiceField(
        label=_("Modalities"),
        choices=AssistanceRequest.Modality.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=_("Available until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("An offer is open to every State. Do not name States or groups of States."),
    )
    principles = forms.MultipleChoiceField(
        label=_("Principles this offer holds to"),
        required=False,
        choices=list(PRINCIPLES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(d.code, pick(d.name)) for d in fw.load().dimensions]  # type: ignore[attr-defined]
        self.fields["languages"].choices = languages.choices()  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["principles"] = {code: code in data["principles"] for code in PRINCIPLES}
        return data

    @staticmethod
    def initial_from(offer: Offer) -> dict[str, Any]:
        initial = {
            name: getattr(offer, name)
            for name in (
                "title",
                "themes",
                "kind",
                "capacity",
                "unit",
                "languages",
                "modalities",
                "available_from",
                "available_until",
                "description",
            )
        }
        initial["principles"] = [code for code, held in (offer.principles or {}).items() if held]
        return initial


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Provider.Kind.choices)


class RepresentativeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person nominated"))
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
