"""IATI 2.03 files from the demo: valid against the official schemas, every code in its list."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from equalfooting.fund.models import Account, LedgerTransaction, Project
from equalfooting.registry.models import State
from equalfooting.registry.reference import DATA_DIR
from equalfooting.transparency import iati
from tests.test_cli import run

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("iati")
    assert run("demo", "--no-serve", home=home).returncode == 0
    out = home / "iati"
    result = run("export", "iati", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize(
    ("name", "xsd"),
    [
        ("activities.xml", "iati-activities-schema.xsd"),
        ("organisation.xml", "iati-organisations-schema.xsd"),
    ],
)
def test_the_files_validate_against_the_official_schema(files: Path, name: str, xsd: str) -> None:
    schema = iati.schema(xsd)
    document = etree.parse(str(files / name))
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]


def test_the_demo_has_activities_for_projects_and_confirmed_matches(files: Path) -> None:
    identifiers = [
        e.text for e in etree.parse(str(files / "activities.xml")).iter("iati-identifier")
    ]
    assert any("-PRJ-" in i for i in identifiers) and any("-MATCH-" in i for i in identifiers)
    assert len(identifiers) == len(set(identifiers))


def test_every_code_used_is_in_its_codelist(files: Path) -> None:
    lists = iati.codelists()
    iso2 = {
        line.split(",")[1]
        for line in (DATA_DIR / "states.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    document = etree.parse(str(files / "activities.xml"))
    checks = [
        ("participating-org", "role", "OrganisationRole"),
        ("participating-org", "type", "OrganisationType"),
        ("reporting-org", "type", "OrganisationType"),
        ("activity-status", "code", "ActivityStatus"),
        ("activity-date", "type", "ActivityDateType"),
        ("transaction-type", "code", "TransactionType"),
        ("budget", "type", "BudgetType"),
        ("budget", "status", "BudgetStatus"),
        ("sector", "vocabulary", "SectorVocabulary"),
        ("value", "currency", "Currency"),
    ]
    seen = 0
    for tag, attribute, codelist in checks:
        for element in document.iter(tag):
            assert element.get(attribute) in lists[codelist], (
                tag,
                attribute,
                element.get(attribute),
            )
            seen += 1
    for sector in document.iter("sector"):
        if sector.get("vocabulary") == "1":
            assert sector.get("code") in lists["Sector"]
    for country in document.iter("recipient-country"):
        assert country.get("code") in iso2
    for node in document.iter():
        if node.get(XML_LANG):
            assert node.get(XML_LANG) in lists["Language"]
    assert seen > 20
    assert json.loads(iati.CODELISTS_FILE.read_text())["source"].startswith("IATI Standard 2.03")


def add_projects(count: int) -> None:
    """Projects with a commitment and a disbursement each, written directly (the file only
    reads them)."""
    state = State.objects.get(iso3="KEN")
    committed, _ = Account.objects.get_or_create(code="committed:KEN")
    disbursed, _ = Account.objects.get_or_create(code="disbursed")
    projects = Project.objects.bulk_create(
        Project(state=state, title=f"Project {n}", committed=Decimal(100)) for n in range(count)
    )
    LedgerTransaction.objects.bulk_create(
        LedgerTransaction(
            kind=kind,
            debit=debit,
            credit=credit,
            amount=Decimal(50),
            reference=p.reference,
            actor="system:test",
        )
        for p in projects
        for kind, debit, credit in (
            ("commitment", committed, disbursed),
            ("disbursement", disbursed, committed),
        )
    )


def count_queries(path: Path) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        iati.write_activities(path)
    return len(queries), path.read_bytes()


@pytest.mark.django_db
def test_the_activity_file_reads_the_ledger_in_bulk_not_per_project(tmp_path: Path) -> None:
    add_projects(3)
    few, small = count_queries(tmp_path / "few.xml")
    add_projects(iati.BATCH - 3 - 1)  # still one batch
    many, large = count_queries(tmp_path / "many.xml")
    assert many == few
    # Every project's two moves are in it, as transactions of types 2 and 3.
    document = etree.fromstring(large)
    projects = [
        a for a in document.iter("iati-activity") if "-PRJ-" in a.findtext("iati-identifier")
    ]
    assert len(projects) == iati.BATCH - 1
    assert all([t.get("code") for t in a.iter("transaction-type")] == ["2", "3"] for a in projects)
    # A second batch costs one query more for its projects' moves (and one for the projects,
    # on databases that fetch the next chunk with a query), never one per project.
    add_projects(5)
    more, _ = count_queries(tmp_path / "more.xml")
    assert few < more <= few + 2
    assert small.count(b"<iati-activity") == 3
