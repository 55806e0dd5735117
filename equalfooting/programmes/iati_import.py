"""Reading IATI activity files into the register.

Each `iati-activity` becomes a planned row: its identifier is the record's key at its source (a
file given again updates the same records), its recipient countries and regions become
beneficiary States and regions, its sectors themes, its participating organisations providers
and funders. Every such translation is kept with the record (`mapping`) and shown, because it
is a judgement the Secretariat curates: new records wait in the curation queue. The mapping
tables are data (`data/iati-mapping.json`), with their source.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from equalfooting.core import languages
from equalfooting.core.errors import InvalidFile, InvalidInput
from equalfooting.registry.models import Region, State

from .models import Activity
from .services import clean_activity
from .spreadsheet import (
    CREATE,
    MAX_BYTES,
    REFUSED,
    UNCHANGED,
    UPDATE,
    RowPlan,
    normal_form,
    record_fields,
    refusals,
)

MAPPING_FILE = Path(__file__).resolve().parent / "data" / "iati-mapping.json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_ACTIVITIES = 5000
# IATI OrganisationRole: 1 funding, 3 extending, 4 implementing.
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"


@cache
def mapping() -> dict[str, Any]:
    return dict(json.loads(MAPPING_FILE.read_text(encoding="utf-8")))


def parse(data: bytes) -> list[etree._Element]:
    """The file's activities. A file that is not an IATI activity file is refused; the parser
    resolves no entity and reaches no network."""
    if len(data) > MAX_BYTES:
        raise InvalidFile(_("The file is larger than 5 MB."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise InvalidFile(_("This file's name ends in .xml, but it is not an XML file.")) from None
    if root.tag != "iati-activities":
        raise InvalidFile(_("This XML file is not an IATI activity file (iati-activities)."))
    activities = root.findall("iati-activity")
    if len(activities) > MAX_ACTIVITIES:
        raise InvalidFile(_("A file may hold at most %(count)s rows.") % {"count": MAX_ACTIVITIES})
    return activities


def _narratives(element: etree._Element | None, default: str) -> list[tuple[str, str]]:
    if element is None:
        return []
    return [
        ((n.get(XML_LANG) or default).lower(), " ".join((n.text or "").split()))
        for n in element.findall("narrative")
        if (n.text or "").strip()
    ]


def _date(activity: etree._Element, *types: str) -> dt.date | None:
    for kind in types:
        found = activity.find(f"activity-date[@type='{kind}']")
        if found is not None and found.get("iso-date"):
            try:
                return dt.date.fromisoformat(found.get("iso-date", "")[:10])
            except ValueError:
                return None
    return None


def _budget(activity: etree._Element) -> tuple[str, str]:
    """The band of the activity's budgets (their sum), and their currency."""
    currency = activity.get("default-currency", "")
    total = Decimal(0)
    for value in activity.findall("budget/value"):
        try:
            total += Decimal((value.text or "").strip())
        except InvalidOperation:
            continue
        currency = value.get("currency") or currency
    if not total:
        return Activity.Budget.UNKNOWN, currency
    return Activity.Budget.of(total), currency


def _organisations(activity: etree._Element, default: str) -> dict[str, Any]:
    table = mapping()["organisation_type"]
    providers, funders, kinds = [], [], []
    for org in activity.findall("participating-org"):
        names = _narratives(org, default)
        name = names[0][1] if names else (org.get("ref") or "")
        if not name:
            continue
        role = org.get("role")
        if role == FUNDING:
            funders.append(name)
        elif role in (EXTENDING, IMPLEMENTING):
            providers.append(name)
            kinds.append(org.get("type", ""))
    reporting = activity.find("reporting-org")
    if not providers and reporting is not None:
        names = _narratives(reporting, default)
        providers = [names[0][1]] if names else [reporting.get("ref") or ""]
        kinds = [reporting.get("type", "")]
    kind_code = next((k for k in kinds if k in table), kinds[0] if kinds else "")
    return {
        "providers": list(dict.fromkeys(p for p in providers if p)),
        "funders": list(dict.fromkeys(funders)),
        "provider_kind": table.get(kind_code, ""),
        "kind_code": kind_code,
    }


def read_activity(
    activity: etree._Element,
    today: dt.date,
    states: dict[str, State],
    regions: dict[str, Region],
) -> tuple[str, dict[str, Any], list[list[str]]]:
    """An activity's identifier, its fields for `clean_activity`, and the mapping from the
    file's codes to the register's: [what the file says, what the register makes of it].
    `states` by ISO alpha-2 code and `regions` by M49 code are read once per file."""
    table = mapping()
    default = (activity.get(XML_LANG) or "en").lower()
    shown: list[list[str]] = []
    titles = _narratives(activity.find("title"), default)
    six = languages.CODES[:6]  # the United Nations' languages, first in the list
    title_language, title = next(
        ((lang, text) for lang, text in titles if lang in six), titles[0] if titles else ("en", "")
    )
    descriptions = _narratives(activity.find("description"), default)
    beneficiaries = []
    for country in activity.findall("recipient-country"):
        code = (country.get("code") or "").upper()
        state = states.get(code)
        shown.append([f"recipient-country {code}", f"{state.iso3} {state.name}" if state else ""])
        if state:
            beneficiaries.append(state.iso3)
    region = None
    for element in activity.findall("recipient-region"):
        code = element.get("code") or ""
        vocabulary = element.get("vocabulary", "1")
        m49 = table["region"].get(code) if vocabulary == "1" else None
        found = regions.get(m49 or "")
        shown.append([f"recipient-region {code}", f"{found.m49} {found.name}" if found else ""])
        region = region or found
    themes = []
    for sector in activity.findall("sector"):
        code = sector.get("code") or ""
        vocabulary = sector.get("vocabulary", "1")
        theme = table["sector"].get(code) if vocabulary == "1" else None
        if vocabulary == "99" and code in {t for t in table["sector"].values()}:
            theme = code  # the mechanism's own export names its themes under vocabulary 99
        shown.append([f"sector {code} ({vocabulary})", theme or ""])
        if theme and theme not in themes:
            themes.append(theme)
    organisations = _organisations(activity, default)
    shown.append(
        [f"participating-org type {organisations['kind_code']}", organisations["provider_kind"]]
    )
    status = activity.find("activity-status")
    status_code = status.get("code", "") if status is not None else ""
    phase = table["activity_status"].get(status_code, "")
    shown.append([f"activity-status {status_code}", phase])
    aid = activity.find("default-aid-type")
    modality = table["aid_type"].get(aid.get("code", "") if aid is not None else "", "")
    budget, currency = _budget(activity)
    updated = (activity.get("last-updated-datetime") or "")[:10]
    try:
        as_of = min(dt.date.fromisoformat(updated), today) if updated else today
    except ValueError:
        as_of = today
    spoken = [lang for lang, _text in titles + descriptions if lang in languages.CODES]
    identifier = (activity.findtext("iati-identifier") or "").strip()
    reporting = activity.find("reporting-org")
    publisher = reporting.get("ref", "") if reporting is not None else ""
    fields = {
        "title": title,
        "title_language": title_language,
        "description": descriptions[0][1] if descriptions else "",
        "providers": organisations["providers"],
        "funders": organisations["funders"],
        "provider_kind": organisations["provider_kind"],
        "beneficiaries": beneficiaries,
        "beneficiary_region": region.m49 if region and not beneficiaries else None,
        "beneficiary_group": None,
        "themes": themes,
        "modality": modality or Activity.Modality.TECHNICAL_ASSISTANCE,
        "start": _date(activity, "2", "1"),
        "end": _date(activity, "4", "3"),
        "budget": budget,
        "currency": currency,
        "phase": phase,
        "languages": list(dict.fromkeys(spoken)) or [title_language],
        "source_detail": f"IATI {publisher}".strip(),
        "as_of": as_of,
    }
    return identifier, fields, shown


def plan(data: bytes) -> list[RowPlan]:
    """Activity by activity, what importing the file would do."""
    today = timezone.localdate()
    activities = parse(data)
    states = {s.iso2: s for s in State.objects.all()}
    regions = {r.m49: r for r in Region.objects.all()}
    read = [read_activity(a, today, states, regions) for a in activities]
    existing = {
        a.source_key: a
        for a in Activity.objects.filter(
            source=Activity.Source.IMPORTED, source_key__in=[key for key, _f, _m in read if key]
        ).prefetch_related("beneficiaries")
    }
    plans, seen = [], set()
    for activity, (key, fields, shown) in zip(activities, read, strict=True):
        # The line of the file where the activity begins, as an editor numbers it.
        row = RowPlan(activity.sourceline or 0, CREATE, key, mapping=shown)
        if not key or key in seen:
            reason = (
                _("The activity has no iati-identifier.")
                if not key
                else _("The file holds this iati-identifier twice.")
            )
            row.action, row.errors = REFUSED, [("reference", reason)]
            plans.append(row)
            continue
        seen.add(key)
        try:
            row.fields = clean_activity(fields)
        except InvalidInput as exc:
            row.action, row.errors = REFUSED, refusals(exc)
            plans.append(row)
            continue
        record = existing.get(key)
        if record is not None:
            row.activity_id = record.pk
            before = normal_form(clean_activity(record_fields(record)))
            after = normal_form(row.fields)
            row.changed = [k for k in after if before[k] != after[k] and k != "as_of"]
            row.action = UPDATE if row.changed else UNCHANGED
        plans.append(row)
    return plans
