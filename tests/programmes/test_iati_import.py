"""An IATI activity file of a real publisher's shape imports with its mapping shown: countries
and regions to States and regions, sectors to themes, organisation types to provider types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidFile
from equalfooting.programmes import iati_import, imports
from equalfooting.programmes.models import Activity
from tests import factories

pytestmark = pytest.mark.django_db
FILE = Path(__file__).parent / "data" / "iati-publisher.xml"


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


def test_the_publishers_file_is_read_with_its_mapping() -> None:
    plans = {p.reference: p for p in iati_import.plan(FILE.read_bytes())}
    east = plans["XM-EXAMPLE-1234-CYB-001"]
    assert east.action == "create"
    assert sorted(s.iso3 for s in east.fields["beneficiaries"]) == ["KEN", "UGA"]
    assert east.fields["themes"] == ["policy", "standards"]
    assert east.fields["providers"] == ["Example Cyber Capacity Foundation"]
    assert east.fields["funders"] == ["Example Ministry of Foreign Affairs"]
    assert east.fields["provider_kind"] == "civil_society"
    assert east.fields["budget"] == "under_1m" and east.fields["currency"] == "EUR"
    assert str(east.fields["start"]) == "2025-02-15" and str(east.fields["end"]) == "2027-06-30"
    assert east.fields["phase"] == "ongoing" and east.fields["modality"] == "technical_assistance"
    assert east.fields["languages"] == ["en", "fr"]
    assert ["recipient-country KE", "KEN Kenya"] in east.mapping
    assert ["sector 22040 (1)", "standards"] in east.mapping
    south = plans["XM-EXAMPLE-1234-CYB-002"]
    assert south.fields["beneficiary_region"].m49 == "202"  # Sub-Saharan Africa
    assert south.fields["title_language"] == "fr" and south.fields["modality"] == "fellowship"
    assert south.fields["provider_kind"] == "academia" and south.fields["phase"] == "planned"
    other = plans["XM-EXAMPLE-1234-OTHER-003"]
    assert other.action == "refused"  # no State, region or theme the register knows
    assert {column for column, _reason in other.errors} == {"beneficiaries", "themes"}
    assert ["recipient-country XK", ""] in other.mapping and other.line > east.line


def test_an_iati_import_waits_for_curation_and_updates_by_identifier(officer: Any) -> None:
    data = FILE.read_bytes()
    # Without the unmappable activity, the file imports.
    data = data.split(b'<iati-activity xml:lang="en">')[0] + b"</iati-activities>\n"
    batch, plans = imports.import_dry_run(actor=officer, file_name="publisher.xml", content=data)
    assert [p.action for p in plans] == ["create", "create"]
    entries = AuditEntry.objects.count()
    assert imports.import_apply(actor=officer, batch=batch)["create"] == 2
    east = Activity.objects.get(source_key="XM-EXAMPLE-1234-CYB-001")
    assert east.source == "imported" and east.curation == "submitted"
    assert ["sector 15110 (1)", "policy"] in east.mapping
    assert AuditEntry.objects.count() == entries + 2
    # The same file again changes nothing; a changed one updates its record.
    _again, plans = imports.import_dry_run(actor=officer, file_name="publisher.xml", content=data)
    assert {p.action for p in plans} == {"unchanged"}
    changed = data.replace(b'code="UG"', b'code="TZ"')
    batch, plans = imports.import_dry_run(actor=officer, file_name="publisher.xml", content=changed)
    assert [(p.reference, p.action, p.changed) for p in plans if p.action != "unchanged"] == [
        ("XM-EXAMPLE-1234-CYB-001", "update", ["beneficiaries"])
    ]
    imports.import_apply(actor=officer, batch=batch)
    assert sorted(s.iso3 for s in Activity.objects.get(pk=east.pk).beneficiaries.all()) == [
        "KEN",
        "TZA",
    ]


def test_the_mapping_is_shown_on_the_dry_run_and_on_the_record(officer: Any) -> None:
    client = Client()
    factories.login_with_2fa(client, officer)
    dry_run = client.post(
        "/en/register/import/", {"file": SimpleUploadedFile("publisher.xml", FILE.read_bytes())}
    )
    page = dry_run.content.decode()
    assert "recipient-country KE" in page and "KEN Kenya" in page and "not mapped" in page
    assert dry_run.context["counts"]["refused"] == 1


@pytest.mark.parametrize(
    "data",
    [
        b"Title,Providers\nA,B\n",  # not XML
        b"<?xml version='1.0'?><iati-organisations/>",  # XML, not an activity file
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
        b"<iati-activities><iati-activity><iati-identifier>&e;</iati-identifier>"
        b"</iati-activity></iati-activities>",
    ],
)
def test_a_file_that_is_not_an_iati_activity_file_is_refused_or_read_safely(data: bytes) -> None:
    try:
        plans = iati_import.plan(data)
    except InvalidFile:
        return
    # An external entity is never resolved: the identifier stays empty.
    assert all("root:" not in p.reference for p in plans)
