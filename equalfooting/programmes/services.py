"""Writes to the register: proposals by providers and States, curation by the Secretariat, a
beneficiary State's request to be shown only in aggregate. Every change is audited with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.core.validation import clean_choices, clean_date, limit
from equalfooting.needs import framework as fw
from equalfooting.offers.models import Provider
from equalfooting.registry.models import Group, Region, State

from . import search, workflow
from .models import Activity

# The fields a proposal (or, later, an import row) gives; the rest the register keeps itself.
ACTIVITY_FIELDS = (
    "title",
    "title_language",
    "description",
    "providers",
    "funders",
    "provider_kind",
    "beneficiaries",
    "beneficiary_region",
    "beneficiary_group",
    "themes",
    "modality",
    "start",
    "end",
    "budget",
    "currency",
    "phase",
    "languages",
    "source_detail",
    "as_of",
)
MAX_NAMES = 20  # providers or funders of one activity


def _names(value: Any) -> list[str] | None:
    """A list of organisation names, from a list or from text with one name per line."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    names = [" ".join(v.split()) for v in value]
    return [n for n in names if n]


def _beneficiaries(value: Any, errors: dict[str, list[str]]) -> list[State]:
    """States named by ISO 3166 alpha-3 code (or given as States)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple):
        errors["beneficiaries"] = [_("Name the beneficiary States by their three-letter codes.")]
        return []
    codes = [v.iso3 if isinstance(v, State) else str(v).strip().upper() for v in value]
    found = {s.iso3: s for s in State.objects.filter(iso3__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["beneficiaries"] = [
            _("No State has the code %(codes)s.") % {"codes": ", ".join(sorted(set(unknown)))}
        ]
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def clean_activity(fields: dict[str, Any]) -> dict[str, Any]:
    """Check every field; raise InvalidInput naming each bad one. Writes nothing."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise InvalidInput({name: _("Unknown field.") for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    data = {name: fields.get(name) for name in ACTIVITY_FIELDS}
    for name in ("title", "description", "source_detail"):
        text = data[name] = str(data[name] or "").strip()
        if len(text) > limit(Activity, name):
            errors[name] = [_("At most %(count)s characters.") % {"count": limit(Activity, name)}]
    if not data["title"]:
        errors["title"] = [_("Give the activity a title.")]
    if data["title_language"] not in languages.CODES:
        errors["title_language"] = [_("Choose the language the title is written in.")]
    for name in ("providers", "funders"):
        names = _names(data[name] or [])
        if names is None or len(names) > MAX_NAMES:
            errors[name] = [_("Give at most %(count)s names, one per line.") % {"count": MAX_NAMES}]
        else:
            data[name] = names
    if not errors.get("providers") and not data["providers"]:
        errors["providers"] = [_("Name at least one provider.")]
    if data["provider_kind"] not in Provider.Kind.values:
        errors["provider_kind"] = [_("Choose the type of provider.")]
    data["beneficiaries"] = _beneficiaries(data["beneficiaries"], errors)
    for name, model, key, message in (
        ("beneficiary_region", Region, "m49", _("Choose a region.")),
        ("beneficiary_group", Group, "code", _("Choose a group of States.")),
    ):
        value = data[name]
        if value not in (None, "") and not isinstance(value, model):
            value = model.objects.filter(**{key: str(value)}).first()
            if value is None:
                errors[name] = [message]
        data[name] = value or None
    region, group = data["beneficiary_region"], data["beneficiary_group"]
    if not (data["beneficiaries"] or region or group or errors.get("beneficiaries")):
        errors["beneficiaries"] = [_("Name the beneficiary States, or a region or group.")]
    framework = fw.load()
    themes = clean_choices(data["themes"], [d.code for d in framework.dimensions])
    if themes is None:
        errors["themes"] = [_("Choose at least one theme from the framework.")]
    data["themes"] = themes
    for name, choices, message in (
        ("modality", Activity.Modality.values, _("Choose a modality.")),
        ("phase", Activity.Phase.values, _("Choose the phase the activity is in.")),
    ):
        if data[name] not in choices:
            errors[name] = [message]
    data["budget"] = data["budget"] or Activity.Budget.UNKNOWN
    if data["budget"] not in Activity.Budget.values:
        errors["budget"] = [_("Choose a budget band.")]
    currency = str(data["currency"] or "").strip().upper()
    if currency and not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        errors["currency"] = [_("Give the currency as its three-letter ISO 4217 code.")]
    data["currency"] = currency
    chosen = clean_choices(data["languages"], languages.CODES)
    if chosen is None:
        errors["languages"] = [_("Choose at least one language.")]
    data["languages"] = chosen
    start = clean_date(data["start"], "start", errors)
    end = clean_date(data["end"], "end", errors)
    if start and end and start > end:
        errors.setdefault("end", []).append(_("The end date must not be before the start date."))
    data["start"], data["end"] = start, end
    as_of = clean_date(data["as_of"], "as_of", errors) or timezone.localdate()
    if as_of > timezone.localdate():
        errors.setdefault("as_of", []).append(_("A record cannot be as of a date to come."))
    data["as_of"] = as_of
    if errors:
        raise InvalidInput(errors)
    return data


def activity_state(a: Activity) -> dict[str, Any]:
    """The record as the audit log states it (beneficiaries included, which the row lacks)."""

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "title": a.title,
        "title_language": a.title_language,
        "providers": a.providers,
        "funders": a.funders,
        "provider_kind": a.provider_kind,
        "beneficiaries": sorted(s.iso3 for s in a.beneficiaries.all()),
        "beneficiary_region": a.beneficiary_region_id,
        "beneficiary_group": a.beneficiary_group.code if a.beneficiary_group else None,
        "themes": a.themes,
        "modality": a.modality,
        "start": day(a.start),
        "end": day(a.end),
        "budget": a.budget,
        "currency": a.currency,
        "phase": a.phase,
        "languages": a.languages,
        "source": a.source,
        "source_key": a.source_key,
        "as_of": day(a.as_of),
        "curation": a.curation,
        "curator_note": a.curator_note,
        "aggregate_only": a.aggregate_only,
        "merged_into": a.merged_into_id,
    }


def audit_activity(actor: Any, activity: Activity, action: str) -> None:
    """Append the record's change to the audit log (inside the caller's transaction)."""
    activity._beneficiary_ids = None  # they may have changed: read them again
    audit_append(
        actor=actor,
        action=f"programmes.activity.{action}",
        object_type="activity",
        object_id=str(activity.pk),
        state=activity_state(activity),
        public=activity.is_public,
    )
    search.activities_changed([activity.pk])


def proposer_of(actor: Any) -> tuple[Provider | None, State | None]:
    """For whom a person proposes: the provider or State of their first verified role."""
    for role in permissions.verified_roles(actor):
        if role.kind == permissions.PROVIDER and role.provider_id:
            return role.provider, None
        if role.kind == permissions.FOCAL_POINT and role.state_id:
            return None, role.state
    return None, None


@transaction.atomic
def activity_propose(
    *,
    actor: Any,
    source: str = Activity.Source.SELF_REPORTED,
    source_key: str = "",
    is_synthetic: bool = False,
    **fields: Any,
) -> Activity:
    """A provider or a State proposes a record; it waits for the Secretariat's curation."""
    permissions.require(actor, "activity.propose")
    if source == Activity.Source.MECHANISM:
        raise InvalidInput({"source": _("The mechanism's own records enter by themselves.")})
    data = clean_activity(fields)
    beneficiaries = data.pop("beneficiaries")
    provider, state = proposer_of(actor)
    activity = Activity.objects.create(
        **data,
        source=source,
        source_key=source_key,
        curation=Activity.Curation.SUBMITTED,
        proposed_by=permissions.person(actor),
        proposed_for_provider=provider,
        proposed_for_state=state,
        is_synthetic=is_synthetic,
    )
    activity.beneficiaries.set(beneficiaries)
    audit_activity(actor, activity, "propose")
    return activity


@transaction.atomic
def activity_curate(*, actor: Any, activity: Activity, target: str, note: str = "") -> Activity:
    """The Secretariat takes a record up, publishes it or declines it, with its note."""
    permissions.require(actor, "activity.curate", activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.merged_into_id is not None:
        raise TransitionNotAllowed(_("This record was merged into another: curate that one."))
    if not workflow.allowed(activity.curation, target):
        raise TransitionNotAllowed(
            _("A record that is %(source)s cannot become %(target)s.")
            % {
                "source": Activity.Curation(activity.curation).label,
                "target": Activity.Curation(target).label
                if target in Activity.Curation.values
                else target,
            }
        )
    note = note.strip()
    if len(note) > limit(Activity, "curator_note"):
        raise InvalidInput(
            {
                "note": _("At most %(count)s characters.")
                % {"count": limit(Activity, "curator_note")}
            }
        )
    if target in workflow.NOTE_REQUIRED and not note:
        raise InvalidInput({"note": _("Say why, for the proposer.")})
    activity.curation = target
    if note:
        activity.curator_note = note
    activity.save(update_fields=["curation", "curator_note", "updated_at"])
    audit_activity(actor, activity, target)
    return activity


@transaction.atomic
def activity_keep_to_aggregates(*, actor: Any, activity: Activity) -> Activity:
    """A beneficiary State asks that the record be shown only in aggregate: from now on it is
    counted in figures, never listed or shown on its own. It cannot be undone from here (the
    Secretariat can publish a corrected record instead)."""
    permissions.require(actor, "activity.aggregate", activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not activity.aggregate_only:
        activity.aggregate_only = True
        activity.save(update_fields=["aggregate_only", "updated_at"])
        audit_activity(actor, activity, "aggregate_only")
    return activity
