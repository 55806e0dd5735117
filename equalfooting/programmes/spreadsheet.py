"""The register as people already keep such lists: a spreadsheet (XLSX or CSV) that goes out
and comes back.

The export writes one row per record with headers and labels in the reader's language; the
import reads headers and labels in any of the six languages (or the columns' codes), finds each
row's record by its reference, and plans, row by row, what would be created, changed or
refused and why. Nothing is written by planning; `imports.import_apply` writes a plan that has
no refusal, all of it or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import process

from equalfooting.core import languages
from equalfooting.core.errors import InvalidFile, InvalidInput
from equalfooting.core.i18n import fold
from equalfooting.domain.text import spreadsheet_cell
from equalfooting.needs import framework as fw
from equalfooting.offers.models import Provider
from equalfooting.registry.models import State

from .models import Activity
from .services import clean_activity

# Column key, header. The key is also accepted as a header, in any language's file.
COLUMNS: list[tuple[str, Promise]] = [
    ("reference", gettext_lazy("Reference")),
    ("title", gettext_lazy("Title")),
    ("title_language", gettext_lazy("Language of the title")),
    ("description", gettext_lazy("Description")),
    ("providers", gettext_lazy("Providers")),
    ("funders", gettext_lazy("Funders")),
    ("provider_kind", gettext_lazy("Type of provider")),
    ("beneficiaries", gettext_lazy("Beneficiary States")),
    ("beneficiary_region", gettext_lazy("Or a region")),
    ("beneficiary_group", gettext_lazy("Or a group of States")),
    ("themes", gettext_lazy("Themes")),
    ("modality", gettext_lazy("Modality")),
    ("start", gettext_lazy("Start")),
    ("end", gettext_lazy("End")),
    ("budget", gettext_lazy("Budget")),
    ("currency", gettext_lazy("Currency")),
    ("phase", gettext_lazy("Phase")),
    ("languages", gettext_lazy("Languages")),
    ("source_detail", gettext_lazy("Where this information comes from")),
    ("as_of", gettext_lazy("As of")),
]
LABEL_OF = dict(COLUMNS)
# The choices whose labels a file may hold in any of the six languages.
CHOICES: dict[str, Any] = {
    "provider_kind": Provider.Kind,
    "modality": Activity.Modality,
    "budget": Activity.Budget,
    "phase": Activity.Phase,
}
# The columns that are plain fields of a record (the rest name States, a region, a group).
SIMPLE = [
    key
    for key, _label in COLUMNS[1:]
    if key not in ("beneficiaries", "beneficiary_region", "beneficiary_group")
]
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
REFERENCE = re.compile(r"^ACT-(\d{1,9})$")


@dataclass
class RowPlan:
    """What importing one row would do."""

    line: int  # as the spreadsheet numbers it: the headers are line 1
    action: str  # "create", "update", "unchanged" or "refused"
    reference: str = ""
    changed: list[str] = field(default_factory=list)  # column keys
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key, reason)
    fields: dict[str, Any] = field(default_factory=dict)  # cleaned, for the writer
    activity_id: int | None = None
    # How an IATI activity's codes were read: [what the file says, what the register makes
    # of it ("" where nothing)], kept with the record for curation.
    mapping: list[list[str]] = field(default_factory=list)


CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"


# --- Export -------------------------------------------------------------------------------


def _cell_of(a: Activity, key: str) -> str:
    value: Any
    if key == "reference":
        return a.reference
    if key == "beneficiaries":
        return "; ".join(sorted(s.iso3 for s in a.beneficiaries.all()))
    if key == "beneficiary_region":
        return a.beneficiary_region_id or ""
    if key == "beneficiary_group":
        return a.beneficiary_group.code if a.beneficiary_group else ""
    value = getattr(a, key)
    if key in CHOICES:
        return str(CHOICES[key](value).label) if value in CHOICES[key].values else value
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def export_rows(rows: Iterable[Activity]) -> Iterator[list[str]]:
    """The headers, then one row per record, in the active language."""
    yield [str(label) for _key, label in COLUMNS]
    for a in rows:
        yield [_cell_of(a, key) for key, _label in COLUMNS]


def export_file(rows: Iterable[Activity], fmt: str) -> bytes:
    """The register as an XLSX or CSV file (UTF-8 with a byte-order mark, for spreadsheets)."""
    lines = ([spreadsheet_cell(c) for c in line] for line in export_rows(rows))
    if fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(lines)
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    from openpyxl import Workbook  # loaded only when a spreadsheet is written

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Register")))
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Reading a file -----------------------------------------------------------------------


def read_file(name: str, data: bytes) -> list[list[str]]:
    """The file's rows as text. A file that is not what its name says is refused."""
    if len(data) > MAX_BYTES:
        raise InvalidFile(_("The file is larger than 5 MB."))
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data)
    if lower.endswith(".csv"):
        return _read_csv(data)
    raise InvalidFile(
        _("Give an XLSX, CSV or IATI XML file (its name ends in .xlsx, .csv or .xml).")
    )


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # loaded only when a spreadsheet is read

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidFile(_("This file's name ends in .xlsx, but it is not an XLSX workbook."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise InvalidFile(
            _("This file's name ends in .xlsx, but it is not an XLSX workbook.")
        ) from exc
    rows = []
    for row in book.worksheets[0].iter_rows(values_only=True):
        rows.append([_text_of(v) for v in row])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise InvalidFile(_("This file's name ends in .csv, but it is not a CSV text file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFile(_("A CSV file must be written in UTF-8.")) from None
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise InvalidFile(_("The CSV file cannot be read: %(reason)s") % {"reason": exc}) from None
    return rows[: MAX_ROWS + 2]


# --- Understanding the cells --------------------------------------------------------------


def _all_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@cache
def _headers() -> dict[str, str]:
    """Every header the import understands, folded: each column's key, and its header in
    each of the six languages."""
    known = {fold(key): key for key, _label in COLUMNS}
    for language in _all_languages():
        with translation.override(language):
            known.update({fold(str(label)): key for key, label in COLUMNS})
    return known


@cache
def _choice_labels(key: str) -> dict[str, str]:
    """A choice column's codes and its labels in each of the six languages, folded."""
    choices = CHOICES[key]
    known = {fold(code): code for code in choices.values}
    for language in _all_languages():
        with translation.override(language):
            known.update({fold(str(label)): code for code, label in choices.choices})
    return known


@cache
def _theme_names() -> dict[str, str]:
    known = {}
    for d in fw.load().dimensions:
        known[fold(d.code)] = d.code
        known.update({fold(name): d.code for name in d.name.values()})
    return known


def _state_names() -> dict[str, State]:
    """Each State's ISO code and its short and formal names in the six languages, folded."""
    known: dict[str, State] = {}
    for state in State.objects.all():
        known[fold(state.iso3)] = state
        for name in [*state.short_name.values(), *state.formal_name.values()]:
            known[fold(name)] = state
    return known


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _states(cell: str, names: dict[str, State]) -> tuple[list[str], list[str]]:
    """The ISO codes of the States a cell names (by code or name, separated by ";"), and a
    reason for each name not found, with the closest UN names."""
    parts = _split(cell)
    if len(parts) == 1 and " " in parts[0] and all(len(p) == 3 for p in parts[0].split()):
        parts = parts[0].split()  # "KEN GHA", as the proposal form takes them
    codes, unknown = [], []
    for part in parts:
        state = names.get(fold(part))
        if state is not None:
            codes.append(state.iso3)
            continue
        closest = process.extract(fold(part), list(names), limit=8)
        suggested = list(dict.fromkeys(names[match].name for match, _score, _i in closest))[:3]
        unknown.append(
            _("No State is named “%(name)s”. Closest UN names: %(names)s.")
            % {"name": part, "names": ", ".join(suggested)}
        )
    return codes, unknown


def _codes(cell: str, known: dict[str, str]) -> tuple[list[str], list[str]]:
    found, unknown = [], []
    for part in _split(cell) if ";" in cell else cell.split():
        code = known.get(fold(part))
        (found.append(code) if code else unknown.append(part))
    return found, unknown


def _row_fields(
    cells: dict[str, str], names: dict[str, State]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A row's cells as the fields `clean_activity` checks, and the cells that cannot be."""
    errors: list[tuple[str, str]] = []
    fields: dict[str, Any] = {}
    for key, _label in COLUMNS[1:]:
        if key not in cells:
            continue
        cell = cells[key]
        if key in CHOICES:
            fields[key] = _choice_labels(key).get(fold(cell), cell) if cell else ""
        elif key in ("providers", "funders"):
            fields[key] = _split(cell)
        elif key == "beneficiaries":
            fields[key], unknown = _states(cell, names)
            errors += [(key, reason) for reason in unknown]
        elif key == "themes":
            fields[key], unknown = _codes(cell, _theme_names())
            errors += [(key, _("Unknown theme “%(name)s”.") % {"name": u}) for u in unknown]
        elif key == "languages":
            known = {fold(c): c for c in languages.CODES}
            fields[key], unknown = _codes(cell, known)
            errors += [(key, _("Unknown language code “%(code)s”.") % {"code": u}) for u in unknown]
        elif key == "title_language":
            fields[key] = cell.lower()
        else:
            fields[key] = cell or None if key in ("start", "end", "as_of") else cell
    return fields, errors


# --- Planning -----------------------------------------------------------------------------


def record_fields(a: Activity) -> dict[str, Any]:
    """A record's fields in the form a row gives them, for the columns a file leaves out."""
    return {
        **{key: getattr(a, key) for key in SIMPLE},
        "beneficiaries": sorted(s.iso3 for s in a.beneficiaries.all()),
        "beneficiary_region": a.beneficiary_region_id,
        "beneficiary_group": a.beneficiary_group.code if a.beneficiary_group else None,
    }


def normal_form(data: dict[str, Any]) -> dict[str, Any]:
    """Cleaned fields, with the States, region and group by their codes: to compare."""
    region, group = data["beneficiary_region"], data["beneficiary_group"]
    return {
        **{key: data[key] for key in SIMPLE},
        "beneficiaries": sorted(s.iso3 for s in data["beneficiaries"]),
        "beneficiary_region": region.m49 if region else None,
        "beneficiary_group": group.code if group else None,
    }


def plan(rows: list[list[str]]) -> list[RowPlan]:
    """Row by row, what importing would do. Raises InvalidFile for a file that cannot be
    planned at all (no rows, unknown or missing columns)."""
    if not rows or not any(rows[0]):
        raise InvalidFile(_("The file is empty: its first line must hold the column headers."))
    if len(rows) > MAX_ROWS + 1:
        raise InvalidFile(_("A file may hold at most %(count)s rows.") % {"count": MAX_ROWS})
    headers = _headers()
    keys: list[str | None] = []
    for number, header in enumerate(rows[0], start=1):
        key = headers.get(fold(header))
        if key is None and header:
            raise InvalidFile(
                _("Column %(number)s, “%(header)s”, is not a column of the register's template.")
                % {"number": number, "header": header}
            )
        keys.append(key)
    missing = [str(LABEL_OF[k]) for k in ("title", "providers", "themes") if k not in keys]
    if missing:
        raise InvalidFile(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
    names = _state_names()
    at = keys.index("reference") if "reference" in keys else None
    references = set()
    for row in rows[1:]:
        found = REFERENCE.match(row[at].strip() if at is not None and at < len(row) else "")
        if found:
            references.add(int(found.group(1)))
    existing = {
        a.pk: a
        for a in Activity.objects.filter(pk__in=references)
        .select_related("beneficiary_group")
        .prefetch_related("beneficiaries")
    }
    plans = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {k: (v or "").strip() for k, v in zip(keys, row, strict=False) if k is not None}
        plans.append(_plan_row(line, cells, names, existing))
    return plans


def _plan_row(
    line: int, cells: dict[str, str], names: dict[str, State], existing: dict[int, Activity]
) -> RowPlan:
    reference = cells.get("reference", "")
    record = None
    if reference:
        found = REFERENCE.match(reference)
        record = existing.get(int(found.group(1))) if found else None
        refusal = (
            _("No record has this reference.")
            if record is None
            else _("The mechanism's own records change only with their matches and projects.")
            if record.source == Activity.Source.MECHANISM
            else _("This record was merged into another: curate that one.")
            if record.merged_into_id
            else None
        )
        if refusal:
            return RowPlan(line, REFUSED, reference, errors=[("reference", refusal)])
    fields, errors = _row_fields(cells, names)
    if record is not None:
        # Columns the file leaves out keep what the record holds.
        fields = {**record_fields(record), **fields}
    try:
        data = clean_activity(fields)
    except InvalidInput as exc:
        # A cell already refused (an unknown State) says why; the check behind it would only
        # say again that the column is empty.
        errors += refusals(exc, already={key for key, _reason in errors})
        data = {}
    if errors:
        return RowPlan(line, REFUSED, reference, errors=errors)
    if record is None:
        return RowPlan(line, CREATE, fields=data)
    before = normal_form(clean_activity(record_fields(record)))
    after = normal_form(data)
    changed = [key for key, _label in COLUMNS[1:] if before[key] != after[key]]
    action = UPDATE if changed else UNCHANGED
    return RowPlan(line, action, reference, changed=changed, fields=data, activity_id=record.pk)


def refusals(exc: InvalidInput, already: Collection[str] = ()) -> list[tuple[str, str]]:
    """A refusal of `clean_activity` as (column key, reason) pairs; a reason about the whole
    row has no column; columns in `already` are left out."""
    return [
        (key if key in LABEL_OF else "", message)
        for key, messages in exc.message_dict.items()
        if key not in already
        for message in messages
    ]


def label(key: str) -> str:
    """A column's header in the active language (a reason about the whole row has no key)."""
    return str(LABEL_OF[key]) if key in LABEL_OF else ""


def summary(plans: list[RowPlan]) -> dict[str, int]:
    counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, REFUSED), 0)
    for p in plans:
        counts[p.action] += 1
    return counts
