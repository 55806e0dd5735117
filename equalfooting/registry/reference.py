"""Read and check the reference-data files shipped in `registry/data/`.

Everything is parsed and cross-checked before anything is written, so a malformed file stops
the load with its name and line and changes nothing. Nothing here touches the database: the
files are checked before `services.reference_data_load` writes a row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from equalfooting.core.errors import InvalidFile

from .models import Organisation, State

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
# Column suffixes in the files use "zh"; the application's language code is "zh-hans".
LANG_CODES = {"ar": "ar", "zh": "zh-hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
GROUP_FILES = {"LDC": "ldc.csv", "LLDC": "lldc.csv", "SIDS": "sids.csv"}
INCOME_GROUP_FILE = "income_groups.csv"
# The words the files may use are the models' own choices.
INCOME_GROUPS = set(State.IncomeGroup.values)
ORGANISATION_KINDS = set(Organisation.Kind.values)

ISO3 = re.compile(r"^[A-Z]{3}$")
ISO2 = re.compile(r"^[A-Z]{2}$")
M49 = re.compile(r"^[0-9]{3}$")


class ReferenceDataError(InvalidFile):
    """A reference-data file is wrong; `file` and `line` say where (the command exits 2)."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    source: str
    as_of: dt.date
    notes: str
    sha256: str


@dataclass(frozen=True)
class RegionRow:
    m49: str
    parent: str | None
    names: dict[str, str]


@dataclass(frozen=True)
class StateRow:
    iso3: str
    iso2: str
    m49: str
    status: str
    region: str
    subregion: str
    short_name: dict[str, str]
    formal_name: dict[str, str]
    income_group: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganisationRow:
    code: str
    kind: str
    names: dict[str, str]
    ict_programme: bool
    programme: str
    website: str
    source: str
    as_of: dt.date
    programme_source: str
    members: tuple[str, ...]


@dataclass
class ReferenceData:
    sources: dict[str, Source] = field(default_factory=dict)
    regions: list[RegionRow] = field(default_factory=list)
    states: list[StateRow] = field(default_factory=list)
    organisations: list[OrganisationRow] = field(default_factory=list)


def _rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with exactly `columns`, each with its line number."""
    name = path.name
    if not path.exists():
        raise ReferenceDataError(name, None, "the file is missing")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(name, None, f"not valid UTF-8 ({exc.reason})") from exc
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise ReferenceDataError(name, 1, "the file is empty") from None
    if header != columns:
        raise ReferenceDataError(name, 1, f"expected the columns {','.join(columns)}")
    rows = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            raise ReferenceDataError(
                name, line, f"expected {len(columns)} fields, found {len(values)}"
            )
        rows.append((line, {c: v.strip() for c, v in zip(columns, values, strict=True)}))
    return rows


def _date(file: str, value: object, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ReferenceDataError(file, None, f"{what} is not an ISO date: {value!r}") from None


def _names(file: str, line: int, row: dict[str, str], prefix: str) -> dict[str, str]:
    names = {}
    for lang in LANGS:
        value = row[f"{prefix}_{lang}"]
        if not value:
            raise ReferenceDataError(file, line, f"{prefix}_{lang} is empty")
        names[LANG_CODES[lang]] = value
    return names


def _check(ok: bool, file: str, line: int, message: str) -> None:
    if not ok:
        raise ReferenceDataError(file, line, message)


def _manifest(data_dir: Path) -> dict[str, object]:
    path = data_dir / "manifest.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError("manifest.toml", None, "the file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError("manifest.toml", None, str(exc)) from None


def _sources(data_dir: Path, manifest: dict[str, object], files: list[str]) -> dict[str, Source]:
    entries = manifest.get("files")
    if not isinstance(entries, dict):
        raise ReferenceDataError("manifest.toml", None, "has no [files] tables")
    sources = {}
    for name in files:
        entry = entries.get(name)
        if not isinstance(entry, dict):
            raise ReferenceDataError("manifest.toml", None, f'no [files."{name}"] table')
        for key in ("title", "source", "as_of"):
            if not entry.get(key):
                raise ReferenceDataError("manifest.toml", None, f'[files."{name}"] needs {key}')
        sources[name] = Source(
            file=name,
            title=str(entry["title"]),
            source=str(entry["source"]),
            as_of=_date("manifest.toml", entry["as_of"], f'[files."{name}"] as_of'),
            notes=str(entry.get("notes", "")),
            sha256=hashlib.sha256((data_dir / name).read_bytes()).hexdigest()
            if (data_dir / name).exists()
            else "",
        )
    return sources


STATE_COLUMNS = ["iso3", "iso2", "m49", "status", "region", "subregion"] + [
    f"{kind}_{lang}" for kind in ("short", "formal") for lang in LANGS
]
REGION_COLUMNS = ["m49", "parent"] + [f"name_{lang}" for lang in LANGS]
ORGANISATION_COLUMNS = (
    ["code", "kind", "ict_programme"]
    + [f"name_{lang}" for lang in LANGS]
    + ["programme_en", "website"]
)


def load(data_dir: Path = DATA_DIR) -> ReferenceData:
    """Parse and cross-check every file; raise ReferenceDataError at the first fault."""
    files = [
        "regions.csv",
        "states.csv",
        *GROUP_FILES.values(),
        INCOME_GROUP_FILE,
        "organisations.csv",
        "organisation_members.csv",
    ]
    manifest = _manifest(data_dir)
    data = ReferenceData(sources=_sources(data_dir, manifest, files))

    regions: dict[str, RegionRow] = {}
    for line, row in _rows(data_dir / "regions.csv", REGION_COLUMNS):
        f = "regions.csv"
        _check(bool(M49.match(row["m49"])), f, line, f"m49 {row['m49']!r} is not three digits")
        _check(row["m49"] not in regions, f, line, f"m49 {row['m49']} appears twice")
        regions[row["m49"]] = RegionRow(
            row["m49"], row["parent"] or None, _names(f, line, row, "name")
        )
    for region in regions.values():
        if region.parent and region.parent not in regions:
            raise ReferenceDataError("regions.csv", None, f"unknown parent {region.parent}")
    data.regions = list(regions.values())

    rows: dict[str, tuple[int, dict[str, str]]] = {}
    seen: dict[str, set[str]] = {"iso2": set(), "m49": set()}
    f = "states.csv"
    for line, row in _rows(data_dir / f, STATE_COLUMNS):
        _check(bool(ISO3.match(row["iso3"])), f, line, f"iso3 {row['iso3']!r} is not 3 capitals")
        _check(bool(ISO2.match(row["iso2"])), f, line, f"iso2 {row['iso2']!r} is not 2 capitals")
        _check(bool(M49.match(row["m49"])), f, line, f"m49 {row['m49']!r} is not three digits")
        _check(row["iso3"] not in rows, f, line, f"iso3 {row['iso3']} appears twice")
        for key in ("iso2", "m49"):
            _check(row[key] not in seen[key], f, line, f"{key} {row[key]} appears twice")
            seen[key].add(row[key])
        _check(
            row["status"] in State.Status.values,
            f,
            line,
            f"status must be {' or '.join(State.Status.values)}, not {row['status']!r}",
        )
        for key in ("region", "subregion"):
            _check(row[key] in regions, f, line, f"{key} {row[key]!r} is not in regions.csv")
        rows[row["iso3"]] = (line, row)

    groups_of: dict[str, list[str]] = {iso3: [] for iso3 in rows}
    for code, name in GROUP_FILES.items():
        for line, row in _rows(data_dir / name, ["iso3"]):
            _check(row["iso3"] in rows, name, line, f"unknown State {row['iso3']!r}")
            _check(code not in groups_of[row["iso3"]], name, line, f"{row['iso3']} appears twice")
            groups_of[row["iso3"]].append(code)

    income_of: dict[str, str] = {}
    f = INCOME_GROUP_FILE
    for line, row in _rows(data_dir / f, ["iso3", "income_group"]):
        _check(row["iso3"] in rows, f, line, f"unknown State {row['iso3']!r}")
        _check(
            row["income_group"] in INCOME_GROUPS,
            f,
            line,
            f"income_group must be one of {', '.join(sorted(INCOME_GROUPS))}",
        )
        _check(row["iso3"] not in income_of, f, line, f"{row['iso3']} appears twice")
        income_of[row["iso3"]] = row["income_group"]

    data.states = [
        StateRow(
            iso3=iso3,
            iso2=row["iso2"],
            m49=row["m49"],
            status=row["status"],
            region=row["region"],
            subregion=row["subregion"],
            short_name=_names("states.csv", line, row, "short"),
            formal_name=_names("states.csv", line, row, "formal"),
            income_group=income_of.get(iso3, ""),
            groups=tuple(sorted(groups_of[iso3])),
        )
        for iso3, (line, row) in rows.items()
    ]

    members: dict[str, list[str]] = {}
    for line, row in _rows(data_dir / "organisation_members.csv", ["organisation", "iso3"]):
        f = "organisation_members.csv"
        _check(row["iso3"] in rows, f, line, f"unknown State {row['iso3']!r}")
        listed = members.setdefault(row["organisation"], [])
        _check(
            row["iso3"] not in listed,
            f,
            line,
            f"{row['iso3']} appears twice in {row['organisation']}",
        )
        listed.append(row["iso3"])

    per_org = manifest.get("organisations", {})
    assert isinstance(per_org, dict)
    codes = set()
    for line, row in _rows(data_dir / "organisations.csv", ORGANISATION_COLUMNS):
        f = "organisations.csv"
        code = row["code"]
        _check(bool(code) and code not in codes, f, line, f"code {code!r} is empty or repeated")
        codes.add(code)
        _check(
            row["kind"] in ORGANISATION_KINDS,
            f,
            line,
            f"kind must be one of {', '.join(sorted(ORGANISATION_KINDS))}",
        )
        _check(row["ict_programme"] in {"yes", "no"}, f, line, "ict_programme must be yes or no")
        _check(code in members, f, line, f"{code} has no members in organisation_members.csv")
        meta = per_org.get(code)
        _check(
            isinstance(meta, dict) and bool(meta.get("source")) and bool(meta.get("as_of")),
            f,
            line,
            f"manifest.toml needs [organisations.{code}] with source and as_of",
        )
        assert isinstance(meta, dict)
        data.organisations.append(
            OrganisationRow(
                code=code,
                kind=row["kind"],
                names=_names(f, line, row, "name"),
                ict_programme=row["ict_programme"] == "yes",
                programme=row["programme_en"],
                website=row["website"],
                source=str(meta["source"]),
                as_of=_date("manifest.toml", meta["as_of"], f"[organisations.{code}] as_of"),
                programme_source=str(meta.get("programme_source", "")),
                members=tuple(sorted(members[code])),
            )
        )
    unknown = set(members) - codes
    if unknown:
        raise ReferenceDataError(
            "organisation_members.csv",
            None,
            f"organisations not in organisations.csv: {', '.join(sorted(unknown))}",
        )
    return data
