"""Open data: every public list as CSV, XLSX or JSON, with labels in the chosen language.

Rows are generated one at a time from database iterators and written as they come, so memory
stays flat whatever the size. Only public data is exported: drafts, private or
providers-only self-assessments, contacts and proposals under review never appear.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import translation

from equalfooting.audit.selectors import public_entries
from equalfooting.core import languages
from equalfooting.domain.text import spreadsheet_cell
from equalfooting.fund.models import (
    Allocation,
    AllocationRound,
    Contribution,
    LedgerTransaction,
    Project,
)
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.labels import theme_label
from equalfooting.offers.models import Offer
from equalfooting.programmes import coverage
from equalfooting.programmes.labels import STATUS as COVERAGE_STATUS
from equalfooting.programmes.models import DocumentVersion
from equalfooting.programmes.selectors import calendar_events, register_public
from equalfooting.registry.models import Organisation, State

from .statistics import requests_public

FORMATS = ("csv", "xlsx", "json")
CHUNK = 2000


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[dict[str, Any]]]


def _states() -> Iterator[dict[str, Any]]:
    for s in (
        State.objects.select_related("region", "subregion")
        .prefetch_related("groups", "organisations")
        .iterator(chunk_size=CHUNK)
    ):
        yield {
            "iso3": s.iso3,
            "iso2": s.iso2,
            "m49": s.m49,
            "name": s.name,
            "formal_name": s.formal,
            "status": s.status,
            "status_label": s.get_status_display(),
            "region": s.region_id,
            "region_label": s.region.name,
            "subregion": s.subregion_id,
            "subregion_label": s.subregion.name,
            "groups": " ".join(sorted(g.code for g in s.groups.all())),
            "income_group": s.income_group,
            "income_group_label": s.get_income_group_display() if s.income_group else "",
            "organisations": " ".join(sorted(o.code for o in s.organisations.all())),
        }


def _organisations() -> Iterator[dict[str, Any]]:
    for o in Organisation.objects.prefetch_related("members").iterator(chunk_size=CHUNK):
        yield {
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "kind_label": o.get_kind_display(),
            "ict_programme": o.ict_programme,
            "programme": o.programme,
            "source": o.source,
            "as_of": o.as_of.isoformat(),
            "members": " ".join(sorted(m.iso3 for m in o.members.all())),
        }


def _requests() -> Iterator[dict[str, Any]]:
    rows = requests_public().select_related("state").order_by("pk")
    for r in rows.iterator(chunk_size=CHUNK):
        yield {
            "reference": r.reference,
            "state": r.state.iso3,
            "state_name": r.state.name,
            "title": r.title,
            "theme": r.theme,
            "theme_label": theme_label(r.theme),
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "units": r.units,
            "unit": r.unit,
            "unit_label": r.get_unit_display(),
            "languages": " ".join(r.languages),
            "languages_label": ", ".join(languages.name(c) for c in r.languages),
            "modalities": " ".join(r.modalities),
            "urgency": r.urgency,
            "urgency_label": r.get_urgency_display(),
            "status": r.status,
            "status_label": r.get_status_display(),
            "desired_start": r.desired_start.isoformat() if r.desired_start else "",
            "desired_end": r.desired_end.isoformat() if r.desired_end else "",
            "submitted_at": r.submitted_at.isoformat() if r.submitted_at else "",
            "synthetic": r.is_synthetic,
        }


def _offers() -> Iterator[dict[str, Any]]:
    for o in (
        Offer.objects.exclude(status=Offer.Status.DRAFT)
        .select_related("provider")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    ):
        yield {
            "reference": o.reference,
            "provider": o.provider.name,
            "provider_kind": o.provider.kind,
            "title": o.title,
            "themes": " ".join(o.themes),
            "themes_label": "; ".join(theme_label(t) for t in o.themes),
            "kind": o.kind,
            "capacity": o.capacity,
            "unit": o.unit,
            "languages": " ".join(o.languages),
            "modalities": " ".join(o.modalities),
            "status": o.status,
            "status_label": o.get_status_display(),
            "available_from": o.available_from.isoformat() if o.available_from else "",
            "available_until": o.available_until.isoformat() if o.available_until else "",
            "synthetic": o.is_synthetic,
        }


def _matches() -> Iterator[dict[str, Any]]:
    rows = (
        Match.objects.published().select_related("request__state", "offer__provider").order_by("pk")
    )
    for m in rows.iterator(chunk_size=CHUNK):
        yield {
            "round": m.round_id,
            "request": m.request.reference,
            "state": m.request.state.iso3,
            "offer": m.offer.reference,
            "provider": m.offer.provider.name,
            "units": m.units,
            "state_decision": m.state_decision,
            "state_decision_label": m.get_state_decision_display(),
            "state_decline_reason": m.state_decline_reason,
            "state_decline_reason_label": (
                m.get_state_decline_reason_display() if m.state_decline_reason else ""
            ),
            "provider_decision": m.provider_decision,
            "provider_decision_label": m.get_provider_decision_display(),
            "decline_reason": m.decline_reason,
            "decline_reason_label": m.get_decline_reason_display() if m.decline_reason else "",
            "agreed_at": m.agreed_at.isoformat() if m.agreed_at else "",
        }


def _rounds() -> Iterator[dict[str, Any]]:
    for r in (
        Round.objects.filter(status=Round.Status.PUBLISHED)
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    ):
        yield {
            "round": r.pk,
            "fairness": r.fairness,
            "published_at": r.published_at.isoformat() if r.published_at else "",
            "requests": len(r.problem.get("requests", [])),
            "offers": len(r.problem.get("offers", [])),
            "objective": r.solution.get("objective"),
            "bound": r.solution.get("bound"),
            "greedy_objective": r.solution.get("greedy_objective"),
        }


def _contributions() -> Iterator[dict[str, Any]]:
    for c in (
        Contribution.objects.select_related("contributor").order_by("pk").iterator(chunk_size=CHUNK)
    ):
        yield {
            "contribution": c.pk,
            "contributor": c.contributor.name,
            "amount": c.amount,
            "currency": c.currency,
            "amount_usd": c.amount_fund,
            "theme": c.theme,
            "theme_label": theme_label(c.theme) if c.theme else "",
            "status": c.status,
            "status_label": c.get_status_display(),
            "pledged_at": c.pledged_at.isoformat(),
            "synthetic": c.is_synthetic,
        }


def _ledger() -> Iterator[dict[str, Any]]:
    for t in (
        LedgerTransaction.objects.select_related("debit", "credit")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    ):
        yield {
            "transaction": t.pk,
            "at": t.at.isoformat(),
            "kind": t.kind,
            "kind_label": t.get_kind_display(),
            "from": t.credit.code,
            "to": t.debit.code,
            "amount_usd": t.amount,
            "reference": t.reference,
            "memo": t.memo,
        }


def _projects() -> Iterator[dict[str, Any]]:
    for p in Project.objects.select_related("state").order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "reference": p.reference,
            "state": p.state.iso3,
            "state_name": p.state.name,
            "title": p.title,
            "committed_usd": p.committed,
            "status": p.status,
            "status_label": p.get_status_display(),
            "synthetic": p.is_synthetic,
        }


def _allocations() -> Iterator[dict[str, Any]]:
    rows = (
        Allocation.objects.filter(round__status=AllocationRound.Status.PUBLISHED)
        .select_related("state")
        .order_by("round", "key")
    )
    for a in rows.iterator(chunk_size=CHUNK):
        yield {
            "round": a.round_id,
            "key": a.key,
            "state": a.state.iso3,
            "state_name": a.state.name,
            "amount_usd": a.amount,
            "binding": a.binding,
        }


def _register() -> Iterator[dict[str, Any]]:
    # The public register: published records, not those kept to aggregates.
    rows = register_public().select_related("beneficiary_region", "beneficiary_group")
    for a in rows.order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "reference": a.reference,
            "title": a.title,
            "title_language": a.title_language,
            "providers": "; ".join(a.providers),
            "funders": "; ".join(a.funders),
            "provider_kind": a.provider_kind,
            "beneficiaries": " ".join(sorted(s.iso3 for s in a.beneficiaries.all())),
            "beneficiary_region": a.beneficiary_region_id or "",
            "beneficiary_group": a.beneficiary_group.code if a.beneficiary_group else "",
            "themes": " ".join(a.themes),
            "themes_label": "; ".join(theme_label(t) for t in a.themes),
            "modality": a.modality,
            "modality_label": a.get_modality_display(),
            "start": a.start.isoformat() if a.start else "",
            "end": a.end.isoformat() if a.end else "",
            "budget": a.budget,
            "budget_label": a.get_budget_display(),
            "currency": a.currency,
            "phase": a.phase,
            "phase_label": a.get_phase_display(),
            "languages": " ".join(a.languages),
            "source": a.source,
            "source_label": a.get_source_display(),
            "source_detail": a.source_detail,
            "as_of": a.as_of.isoformat(),
            "synthetic": a.is_synthetic,
        }


def _events() -> Iterator[dict[str, Any]]:
    # The calendar's public events (cancelled ones too, marked so), in time order; times in UTC.
    for e in calendar_events().order_by("starts_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "reference": e.reference,
            "title": e.title,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "status": e.status,
            "status_label": e.get_status_display(),
            "starts_at": e.starts_at.isoformat(),
            "ends_at": e.ends_at.isoformat(),
            "time_zone": e.time_zone,
            "attendance": e.attendance,
            "attendance_label": e.get_attendance_display(),
            "venue": e.venue,
            "interpretation": " ".join(e.interpretation),
            "themes": " ".join(e.themes),
            "region": e.region_id or "",
            "takes_registration": e.takes_registration,
            "capacity": e.capacity if e.capacity is not None else "",
            "synthetic": e.is_synthetic,
        }


def _library() -> Iterator[dict[str, Any]]:
    # One row per language version of each document of the library.
    rows = DocumentVersion.objects.select_related("document__state").order_by("document_id", "pk")
    for v in rows.iterator(chunk_size=CHUNK):
        d = v.document
        yield {
            "reference": d.reference,
            "kind": d.kind,
            "kind_label": d.get_kind_display(),
            "licence": d.licence,
            "licence_label": d.get_licence_display(),
            "source": d.source,
            "published_on": d.published_on.isoformat() if d.published_on else "",
            "themes": " ".join(d.themes),
            "state": d.state.iso3 if d.state else "",
            "language": v.language,
            "title": v.title,
            "media_type": v.media_type,
            "size": v.size,
            "sha256": v.sha256,
            "synthetic": d.is_synthetic,
        }


def _coverage() -> Iterator[dict[str, Any]]:
    # The groups' rows first, then every State's; one row per theme.
    for matrix in (coverage.group_matrix(), coverage.state_matrix()):
        for key, subject, cells in matrix.rows:
            for theme, cell in cells.items():
                yield {
                    "row": key,
                    "row_label": getattr(subject, "name", None) or str(subject),
                    "theme": theme,
                    "theme_label": theme_label(theme),
                    "gaps": cell.gaps,
                    "requests": cell.requests,
                    "need": cell.need,
                    "activities": cell.activities,
                    "status": cell.status,
                    "status_label": str(COVERAGE_STATUS[cell.status]),
                    "since": matrix.since.isoformat(),
                    "until": matrix.until.isoformat(),
                }


def _audit() -> Iterator[dict[str, Any]]:
    # A sealed entry (a confidential object) has empty disclosure columns; an open one has
    # all four, so `disclosed` is rebuilt from a row as {} or the four of them.
    for e in public_entries().iterator(chunk_size=CHUNK):
        disclosed = e.disclosed or {}
        yield {
            "seq": e.seq,
            "at": e.at,
            "actor": disclosed.get("actor", ""),
            "action": disclosed.get("action", ""),
            "object_type": disclosed.get("object_type", ""),
            "object_id": disclosed.get("object_id", ""),
            "commitment": e.commitment,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }


COLUMNS = {
    "states": "iso3 iso2 m49 name formal_name status status_label region region_label subregion "
    "subregion_label groups income_group income_group_label organisations",
    "organisations": "code name kind kind_label ict_programme programme source as_of members",
    "requests": "reference state state_name title theme theme_label kind kind_label units unit "
    "unit_label languages languages_label modalities urgency urgency_label status status_label "
    "desired_start desired_end submitted_at synthetic",
    "offers": "reference provider provider_kind title themes themes_label kind capacity unit "
    "languages modalities status status_label available_from available_until synthetic",
    "matches": "round request state offer provider units state_decision state_decision_label "
    "state_decline_reason state_decline_reason_label "
    "provider_decision provider_decision_label decline_reason decline_reason_label agreed_at",
    "rounds": "round fairness published_at requests offers objective bound greedy_objective",
    "contributions": "contribution contributor amount currency amount_usd theme theme_label "
    "status status_label pledged_at synthetic",
    "ledger": "transaction at kind kind_label from to amount_usd reference memo",
    "projects": "reference state state_name title committed_usd status status_label synthetic",
    "allocations": "round key state state_name amount_usd binding",
    "register": "reference title title_language providers funders provider_kind beneficiaries "
    "beneficiary_region beneficiary_group themes themes_label modality modality_label start end "
    "budget budget_label currency phase phase_label languages source source_label source_detail "
    "as_of synthetic",
    "coverage": "row row_label theme theme_label gaps requests need activities status "
    "status_label since until",
    "events": "reference title kind kind_label status status_label starts_at ends_at time_zone "
    "attendance attendance_label venue interpretation themes region takes_registration capacity "
    "synthetic",
    "library": "reference kind kind_label licence licence_label source published_on themes state "
    "language title media_type size sha256 synthetic",
    "audit": "seq at actor action object_type object_id commitment prev_hash hash",
}
ROWS: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
    "states": _states,
    "organisations": _organisations,
    "requests": _requests,
    "offers": _offers,
    "matches": _matches,
    "rounds": _rounds,
    "contributions": _contributions,
    "ledger": _ledger,
    "projects": _projects,
    "allocations": _allocations,
    "register": _register,
    "coverage": _coverage,
    "events": _events,
    "library": _library,
    "audit": _audit,
}
DATASETS: dict[str, Dataset] = {
    name: Dataset(name, tuple(COLUMNS[name].split()), ROWS[name]) for name in COLUMNS
}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    return value


def _cell(value: Any) -> Any:
    """A value as a spreadsheet (CSV or XLSX) receives it: text can never become a formula,
    and a control character stored long ago cannot break the file. Numbers stay numbers, so
    a negative amount is still a number and not neutralised text."""
    return spreadsheet_cell(value) if isinstance(value, str) else _plain(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(dataset: Dataset, lang: str) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    with translation.override(lang):
        yield (
            "\ufeff" + writer.writerow(dataset.columns)
        ).encode()  # a BOM so spreadsheets read UTF-8
        for row in dataset.rows():
            yield writer.writerow([_cell(row[c]) for c in dataset.columns]).encode()


def json_chunks(dataset: Dataset, lang: str) -> Iterator[bytes]:
    with translation.override(lang):
        yield (
            b'{"dataset": '
            + json.dumps(dataset.name).encode()
            + b', "language": '
            + json.dumps(lang).encode()
            + b', "rows": ['
        )
        first = True
        for row in dataset.rows():
            item = json.dumps(
                {c: _plain(row[c]) for c in dataset.columns}, ensure_ascii=False, default=str
            )
            yield (b"" if first else b",\n") + item.encode()
            first = False
        yield b"]}\n"


def xlsx_file(dataset: Dataset, lang: str) -> BinaryIO:
    """An XLSX in a temporary file, written row by row (openpyxl's write-only mode)."""
    from openpyxl import Workbook  # heavy, and only an XLSX download needs it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(dataset.name)
    with translation.override(lang):
        sheet.append(list(dataset.columns))
        for row in dataset.rows():
            sheet.append([_cell(row[c]) for c in dataset.columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller, who closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def chunks(dataset: Dataset, fmt: str, lang: str) -> Iterator[bytes]:
    if fmt == "csv":
        yield from csv_chunks(dataset, lang)
    elif fmt == "json":
        yield from json_chunks(dataset, lang)
    else:
        handle = xlsx_file(dataset, lang)
        while block := handle.read(64 * 1024):
            yield block
        handle.close()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
