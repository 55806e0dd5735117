"""IATI 2.03 files from the demo: valid against the official schemas, every code in its list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

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
