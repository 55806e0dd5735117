from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from equalfooting.audit.models import AuditEntry
from equalfooting.fund import review
from equalfooting.offers import eligibility
from equalfooting.registry import names, reference
from equalfooting.registry.models import Organisation, ReferenceSource, State
from equalfooting.registry.reference import ReferenceDataError
from equalfooting.registry.services import reference_data_load

pytestmark = pytest.mark.django_db

REQUIRED_ORGANISATIONS = {
    "AU",
    "ASEAN",
    "ARF",
    "OAS",
    "OSCE",
    "EU",
    "COE",
    "SCO",
    "CSTO",
    "CIS",
    "ECOWAS",
    "SADC",
    "LAS",
    "OIC",
    "PIF",
    "CARICOM",
    "APEC",
    "COMMONWEALTH",
}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(reference.DATA_DIR, target)
    return target


def test_every_member_and_observer_state_is_present() -> None:
    assert State.objects.filter(status="member").count() == 193
    observers = set(State.objects.filter(status="observer").values_list("iso3", flat=True))
    assert observers == {"VAT", "PSE"}


def test_names_follow_un_terminology_in_six_languages() -> None:
    iran = State.objects.get(iso3="IRN")
    assert iran.short_name["en"] == "Iran (Islamic Republic of)"
    assert State.objects.get(iso3="TUR").short_name["en"] == "Türkiye"
    assert State.objects.get(iso3="CIV").short_name["en"] == "Côte d'Ivoire"
    for state in State.objects.all():
        assert (
            set(state.short_name)
            == set(state.formal_name)
            == {"ar", "zh-hans", "en", "fr", "ru", "es"}
        )
        assert all(state.short_name.values()) and all(state.formal_name.values())


def test_groups_and_income_are_loaded_with_their_sources() -> None:
    assert "LDC" in State.objects.get(iso3="AFG").groups.values_list("code", flat=True)
    assert "SIDS" in State.objects.get(iso3="FJI").groups.values_list("code", flat=True)
    assert "LLDC" in State.objects.get(iso3="NPL").groups.values_list("code", flat=True)
    assert State.objects.get(iso3="NOR").income_group == "H"
    for source in ReferenceSource.objects.all():
        assert source.source and source.as_of and len(source.sha256) == 64


def test_the_required_organisations_are_present_with_source_and_date() -> None:
    codes = set(Organisation.objects.values_list("code", flat=True))
    assert codes >= REQUIRED_ORGANISATIONS
    for org in Organisation.objects.all():
        assert org.source and org.as_of and org.members.exists()
    assert Organisation.objects.get(code="EU").members.count() == 27


def test_a_second_load_changes_nothing_and_audits_nothing() -> None:
    before = AuditEntry.objects.count()
    summary = reference_data_load(actor="system:test")
    assert summary.changed == 0
    assert summary.unchanged["state"] == 195
    assert AuditEntry.objects.count() == before


def test_a_changed_file_updates_the_row_and_is_audited(data_copy: Path) -> None:
    states = data_copy / "states.csv"
    states.write_text(
        states.read_text(encoding="utf-8").replace(",Kenya,", ",Kenya (edited),", 1),
        encoding="utf-8",
    )
    before = AuditEntry.objects.count()
    summary = reference_data_load(actor="system:test", data_dir=data_copy)
    assert summary.updated["state"] == 1
    assert State.objects.get(iso3="KEN").short_name["en"] == "Kenya (edited)"
    entries = AuditEntry.objects.filter(seq__gt=before)
    assert {e.action for e in entries} == {"registry.state.update", "registry.source.update"}
    assert entries.get(action="registry.state.update").object_id == "KEN"


def test_a_changed_membership_is_audited_on_the_organisation(data_copy: Path) -> None:
    members = data_copy / "organisation_members.csv"
    lines = [line for line in members.read_text(encoding="utf-8").splitlines() if line != "EU,FRA"]
    members.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference_data_load(actor="system:test", data_dir=data_copy)
    assert not Organisation.objects.get(code="EU").members.filter(iso3="FRA").exists()
    assert AuditEntry.objects.filter(action="registry.organisation.update", object_id="EU").exists()


@pytest.mark.parametrize(
    ("file", "mangle", "expected"),
    [
        ("states.csv", lambda t: t.replace(",Kenya,", ",,", 1), "short_en is empty"),
        (
            "states.csv",
            lambda t: t + "XX,XY,999,member,002,014" + ",x" * 12 + "\n",
            "not 3 capitals",
        ),
        (
            "states.csv",
            lambda t: t.replace(",member,", ",friend,", 1),
            "status must be member or observer",
        ),
        ("states.csv", lambda t: t + "ZZZ,ZZ\n", "expected 18 fields"),
        ("ldc.csv", lambda t: t + "QQQ\n", "unknown State 'QQQ'"),
        ("income_groups.csv", lambda t: t.replace(",H", ",X", 1), "income_group must be one of"),
        ("organisation_members.csv", lambda t: t + "EU,QQQ\n", "unknown State 'QQQ'"),
    ],
)
def test_a_malformed_file_names_file_and_line_and_changes_nothing(
    data_copy: Path,
    file: str,
    mangle,
    expected: str,
) -> None:
    path = data_copy / file
    path.write_text(mangle(path.read_text(encoding="utf-8")), encoding="utf-8")
    # Change a second file that would otherwise load, to prove nothing is written at all.
    states = data_copy / "states.csv"
    if file != "states.csv":
        states.write_text(
            states.read_text(encoding="utf-8").replace(",Kenya,", ",Kenya (edited),", 1),
            encoding="utf-8",
        )
    before = AuditEntry.objects.count()
    with pytest.raises(ReferenceDataError) as caught:
        reference_data_load(actor="system:test", data_dir=data_copy)
    assert caught.value.file == file
    assert caught.value.line is not None and caught.value.line > 1
    assert expected in str(caught.value)
    assert f"{file}, line {caught.value.line}" in str(caught.value)
    assert AuditEntry.objects.count() == before
    assert State.objects.get(iso3="KEN").short_name["en"] == "Kenya"


def test_a_missing_manifest_entry_is_refused(data_copy: Path) -> None:
    manifest = data_copy / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('[files."sids.csv"]', '[files."other.csv"]'),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match=r"sids\.csv"):
        reference_data_load(actor="system:test", data_dir=data_copy)


@pytest.fixture
def fresh_name_checks() -> Iterator[None]:
    """The test database rolls back; the name checks must not keep the renamed State."""
    yield
    names.forget()


@pytest.mark.usefixtures("fresh_name_checks")
def test_the_name_checks_learn_a_renamed_state_once_the_load_commits(
    data_copy: Path, django_capture_on_commit_callbacks: Any
) -> None:
    states = data_copy / "states.csv"
    states.write_text(
        states.read_text(encoding="utf-8").replace(",Kenya,", ",Kenyaland,", 1),
        encoding="utf-8",
    )
    text = "A course for the CERT of Kenyaland."
    assert eligibility.named_parties(text) == []
    with django_capture_on_commit_callbacks(execute=True):
        reference_data_load(actor="system:test", data_dir=data_copy)
    assert eligibility.named_parties(text) == ["Kenyaland"]
    assert "Kenyaland" not in review.anonymise(text)
