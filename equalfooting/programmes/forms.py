from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from equalfooting.core import languages
from equalfooting.core.i18n import pick
from equalfooting.needs import framework as fw
from equalfooting.offers.models import Provider
from equalfooting.registry.models import Group, Region

from .models import Activity, Document, Event, SponsorshipApplication
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


LOCAL_TIME = forms.TextInput(attrs={"type": "datetime-local"})


class EventForm(forms.Form):
    """An event of the calendar, its times as the clock shows them where it takes place."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=Event.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Europe/Zurich",
        help_text=_("Where the event's clock is, for example Europe/Zurich or Africa/Nairobi."),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    # Clock times at the event's place, read by the service in its time zone (a DateTimeField
    # would read them in the server's).
    # (No max_length: a datetime-local input takes no maxlength; the service reads the value.)
    starts_at = forms.CharField(label=_("Starts"), widget=LOCAL_TIME)
    ends_at = forms.CharField(label=_("Ends"), widget=LOCAL_TIME)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Event.Attendance.choices)
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=300,
        help_text=_("The place and city; leave empty for an event held only online."),
    )
    interpretation = forms.MultipleChoiceField(
        label=_("Interpretation into"), required=False, widget=forms.CheckboxSelectMultiple
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    takes_registration = forms.BooleanField(label=_("Takes registration"), required=False)
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for no limit."),
    )
    registration_closes_at = forms.CharField(
        label=_("Registration closes"),
        required=False,
        widget=LOCAL_TIME,
        help_text=_("When the event starts, if left empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interpretation"].choices = languages.choices()  # type: ignore[attr-defined]
        self.fields["themes"].choices = [(d.code, pick(d.name)) for d in fw.load().dimensions]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (r.m49, r.name) for r in Region.objects.all()
        ]

    @staticmethod
    def initial_from(event: Event) -> dict[str, Any]:
        """The event as the form shows it: its times on its own clock."""
        zone = zoneinfo.ZoneInfo(event.time_zone)

        def local(value: dt.datetime | None) -> str:
            return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""

        return {
            **{name: getattr(event, name) for name in ("title", "kind", "description")},
            **{name: getattr(event, name) for name in ("time_zone", "attendance", "venue")},
            "interpretation": event.interpretation,
            "themes": event.themes,
            "region": event.region_id or "",
            "takes_registration": event.takes_registration,
            "capacity": event.capacity,
            "starts_at": local(event.starts_at),
            "ends_at": local(event.ends_at),
            "registration_closes_at": local(event.registration_closes_at),
        }


class SponsorshipCallForm(forms.Form):
    """The Secretariat opens a call to sponsor delegates to an event."""

    budget = forms.DecimalField(
        label=_("Budget"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Moved from the fund's available money to the call's own account."),
    )
    closes_at = forms.CharField(
        label=_("Applications close"),
        widget=LOCAL_TIME,
        help_text=_("On the event's clock; before the event starts."),
    )


class SponsorshipApplicationForm(forms.Form):
    """A focal point applies for one of their State's delegates."""

    delegate = forms.CharField(label=_("Delegate's name"), max_length=200)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=SponsorshipApplication.Gender.choices,
        help_text=_(
            "A State's second place goes to a delegate of another gender where one applied."
        ),
    )
    rank = forms.IntegerField(
        label=_("Place among your State's delegates"),
        min_value=1,
        max_value=5,
        initial=1,
        help_text=_("1 for the delegate your State most wants sponsored."),
    )
    cost = forms.DecimalField(
        label=_("Cost of the place"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Travel and daily subsistence, in United States dollars."),
    )


class DocumentVersionForm(forms.Form):
    """One language version of a document: its title in that language and its file."""

    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT or UTF-8 text, at most 20 megabytes."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages.choices()  # type: ignore[attr-defined]


class DocumentForm(DocumentVersionForm):
    """A new document of the library, with its first language version."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)
    licence = forms.ChoiceField(label=_("Licence"), choices=Document.Licence.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Who published it, and where it was found (an address, a reference)."),
    )
    published_on = forms.DateField(
        label=_("Date of publication"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    state = forms.CharField(
        label=_("State"),
        required=False,
        max_length=3,
        help_text=_("For a national document: the State's three-letter code."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(d.code, pick(d.name)) for d in fw.load().dimensions]  # type: ignore[attr-defined]
