"""The commands that need the database, run in-process on the test database.

`main` sets Django up only when it is not already, so these run inside pytest-django's
transaction like any other test; tests/test_cli.py runs the installed command end to end.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db.models import F

from equalfooting.accounts.models import Role, User
from equalfooting.audit.models import AuditEntry
from equalfooting.cli import main
from equalfooting.cli.export import EXPORT_DATASETS
from equalfooting.core.models import Installation
from equalfooting.fund import allocation_rounds
from equalfooting.fund.models import Allocation, Indicator
from equalfooting.registry.models import State
from equalfooting.registry.reference import DATA_DIR
from equalfooting.transparency import exports
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_audit_verify_passes_and_names_an_altered_entry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "verify"]) == 0
    words = capsys.readouterr().out.split()
    assert words[0] == "OK" and words[2] == "entries" and len(words[3]) == 64
    assert int(words[1]) == AuditEntry.objects.count()

    victim = AuditEntry.objects.order_by("seq")[6]
    AuditEntry.objects.filter(pk=victim.pk).update(actor="someone-else")
    assert main(["audit", "verify"]) == 1
    assert f"BROKEN at entry {victim.seq}" in capsys.readouterr().err


def test_load_reference_data_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    entries = AuditEntry.objects.count()
    for _ in range(2):
        assert main(["load-reference-data"]) == 0
        assert "Reference data are up to date." in capsys.readouterr().out
    assert AuditEntry.objects.count() == entries


def test_a_malformed_reference_file_stops_the_load_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "lldc.csv").write_text("iso3\nAFG\nNOPE\n", encoding="utf-8")
    entries = AuditEntry.objects.count()
    assert main(["load-reference-data", "--data-dir", str(data)]) == 2
    error = capsys.readouterr().err
    assert "lldc.csv, line 3" in error and "Nothing was changed" in error
    assert "Traceback" not in error
    assert AuditEntry.objects.count() == entries


@pytest.fixture
def published_round(officer: User) -> int:
    """An allocation round prepared and published over test indicators, as its number."""
    factories.indicators(
        (state.iso3, code, 2025, value, "Test")
        for n, state in enumerate(State.objects.order_by("iso3"))
        for code, value in (
            (allocation_rounds.POPULATION, 1_000_000 + n * 10_000),
            (allocation_rounds.GNI_PER_CAPITA, 500 + n * 100),
        )
    )
    factories.contribution_received(officer, amount="1000000.00", contributor="C")
    round_ = allocation_rounds.round_prepare(
        actor=officer,
        envelope="1000000.00",
        base_share="0.2",
        alpha="1",
        beta="0.5",
        gamma="0.125",
        floors={"LDC": "3000.00"},
        cap_share="0.05",
    )
    allocation_rounds.round_publish(actor=officer, round_=round_)
    return round_.pk


def test_fund_verify_passes_and_fails_after_an_allocation_is_altered(
    published_round: int, capsys: pytest.CaptureFixture[str]
) -> None:
    verify = ["fund", "verify", "--round", str(published_round)]
    assert main(verify) == 0
    assert f"OK allocation round {published_round}:" in capsys.readouterr().out

    first = Allocation.objects.order_by("id").first()
    assert first is not None
    Allocation.objects.filter(pk=first.pk).update(amount=F("amount") + 1)
    assert main(verify) == 1
    error = capsys.readouterr().err
    assert "MISMATCH" in error and "recomputed" in error

    assert main(["fund", "verify", "--round", str(published_round + 99)]) == 2
    assert "No such allocation round" in capsys.readouterr().err


def test_import_indicators_from_both_layouts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world_bank = tmp_path / "API_NY.GNP.PCAP.CD.csv"
    world_bank.write_text(
        '"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-07-01",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2023","2024",\n'
        '"Kenya","KEN","GNI per capita","NY.GNP.PCAP.CD","2010","2110",\n'
        '"World","WLD","GNI per capita","NY.GNP.PCAP.CD","13000","13500",\n'
        '"Fiji","FJI","GNI per capita","NY.GNP.PCAP.CD","","5900",\n',
        encoding="utf-8",
    )
    assert main(["import-indicators", str(world_bank)]) == 0, capsys.readouterr().err
    assert "Imported 3 values (world-bank layout); skipped 1 rows" in capsys.readouterr().out

    long = tmp_path / "long.csv"
    long.write_text(
        "iso3,indicator,year,value,source\nKEN,EF.NEED,2026,0.6,Test source\n"
        "XXX,EF.NEED,2026,0.5,Test source\n",
        encoding="utf-8",
    )
    assert main(["import-indicators", str(long)]) == 2
    error = capsys.readouterr().err
    assert "line 3: iso3: unknown State 'XXX'" in error and "long.csv" in error
    assert not Indicator.objects.filter(code="EF.NEED").exists()  # nor the good first row


def test_export_writes_a_file_and_lists_choices_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "requests.csv"
    export = ["export", "requests", "--format", "csv", "--lang", "es", "--out", str(out)]
    assert main(export) == 0, capsys.readouterr().err
    assert out.read_text(encoding="utf-8-sig").startswith("reference,state,state_name,title")
    assert "Wrote requests as csv (es)" in capsys.readouterr().err

    assert main(["export", "secrets", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "choose from" in error and "'requests'" in error
    assert main(["export", "states", "--format", "pdf", "--out", str(out)]) == 2
    assert "'xlsx'" in capsys.readouterr().err


def test_create_secretariat_names_the_field_at_fault(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["create-secretariat", "--username", "chief", "--email", "chief@example.org"]
    monkeypatch.setenv("EF_PASSWORD", "short")
    assert main(create) == 2
    assert "error: password:" in capsys.readouterr().err

    monkeypatch.setenv("EF_PASSWORD", PASSWORD)
    factories.user("taken")
    assert main(["create-secretariat", "--username", "taken", "--email", "t@example.org"]) == 2
    assert "error: username: 'taken' is taken" in capsys.readouterr().err

    assert not User.objects.filter(username="chief").exists()
    assert main(create) == 0
    assert "Created Secretariat account chief" in capsys.readouterr().out
    chief = User.objects.get(username="chief")
    assert chief.roles.filter(kind=Role.Kind.SECRETARIAT, status=Role.Status.VERIFIED).exists()


def test_a_read_only_mirror_refuses_a_write_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Installation.objects.update_or_create(pk=1, defaults={"mirror_of": "source.example.org"})
    monkeypatch.setenv("EF_PASSWORD", PASSWORD)
    assert main(["create-secretariat", "--username", "chief", "--email", "c@example.org"]) == 2
    error = capsys.readouterr().err
    assert "read-only mirror" in error and "Traceback" not in error
    assert not User.objects.filter(username="chief").exists()  # the whole write rolled back


def test_the_export_command_offers_exactly_the_public_datasets() -> None:
    """The command lists its datasets by hand (so --help needs no database); they must stay
    the ones the exports module publishes, plus the IATI files."""
    assert set(EXPORT_DATASETS) == {*exports.DATASETS, "iati"}
