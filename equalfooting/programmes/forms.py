from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from equalfooting.core import languages
from equalfooting.core.i18n import pick
from equalfooting.needs import framework as fw
from equalfooting.offers.models import Provider
from equalfooting.registry.models import Group, Region

from .models import Activity
from .spreadsheet import record_fields


class ActivityForm(forms.Form):
    """A proposed record of the register; the Secretariat curates it before it is published."""

    title = forms.CharField(label=_("Title"), max_length=300)
    title_language = forms.ChoiceField(label=_("Language of the title"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    providers = forms.CharField(
        label=_("Providers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One organisation per line."),
    )
    funders = forms.CharField(
        label=_("Funders"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One organisation per line."),
    )
    provider_kind = forms.ChoiceField(label=_("Type of provider"), choices=Provider.Kind.choices)
    beneficiaries = forms.CharField(
        label=_("Beneficiary States"),
        required=False,
        help_text=_("Three-letter codes separated by spaces, for example KEN GHA."),
    )
    beneficiary_region = forms.ChoiceField(label=_("Or a region"), required=False)
    beneficiary_group = forms.ChoiceField(label=_("Or a group of States"), required=False)
    themes = forms.MultipleChoiceField(label=_("Themes"), widget=forms.CheckboxSelectMultiple)
    modality = forms.ChoiceField(label=_("Modality"), choices=Activity.Modality.choices)
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.ChoiceField(label=_("Budget"), choices=Activity.Budget.choices)
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO 4217 code, for example EUR."),
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Activity.Phase.choices)
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple)
    source_detail = forms.CharField(
        label=_("Where this information comes from"), required=False, max_length=300
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the information was true; today if left empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        self.fields["title_language"].choices = languages.choices()  # type: ignore[attr-defined]
        self.fields["languages"].choices = languages.choices()  # type: ignore[attr-defined]
        self.fields["themes"].choices = [(d.code, pick(d.name)) for d in fw.load().dimensions]  # type: ignore[attr-defined]
        self.fields["beneficiary_region"].choices = none + [  # type: ignore[attr-defined]
            (r.m49, r.name) for r in Region.objects.all()
        ]
        self.fields["beneficiary_group"].choices = none + [  # type: ignore[attr-defined]
            (g.code, g.label) for g in Group.objects.all()
        ]


class CurationForm(forms.Form):
    note = forms.CharField(
        label=_("Curator's note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the record. Required when declining."),
    )


class CorrectionForm(ActivityForm):
    """The record as it should read, and why."""

    reason = forms.CharField(
        label=_("What is wrong, and how you know"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @staticmethod
    def initial_from(activity: Activity) -> dict[str, Any]:
        """The record as the form shows it: names one per line, States by their codes."""
        fields = record_fields(activity)
        return {
            **fields,
            "providers": "\n".join(fields["providers"]),
            "funders": "\n".join(fields["funders"]),
            "beneficiaries": " ".join(fields["beneficiaries"]),
            "beneficiary_region": fields["beneficiary_region"] or "",
            "beneficiary_group": fields["beneficiary_group"] or "",
        }
