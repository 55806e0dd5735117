"""The command line, run as a user runs it: in a subprocess, on its own SQLite database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(EF_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("efhome")
    first = run("demo", "--no-serve", home=home)
    assert first.returncode == 0, first.stderr
    return home


def test_demo_sets_up_prints_logins_and_is_safe_to_run_twice(demo_home: Path) -> None:
    second = run("demo", "--no-serve", home=demo_home)
    assert second.returncode == 0, second.stderr
    assert "http://127.0.0.1:8000/" in second.stdout
    for role in ("Secretariat", "Reviewer", "State focal point", "Provider"):
        assert role in second.stdout
    assert "Reference data are up to date." in second.stdout
    assert (demo_home / "equalfooting.sqlite3").exists()


def test_audit_verify_passes_after_the_demo_and_names_an_altered_entry(demo_home: Path) -> None:
    ok = run("audit", "verify", home=demo_home)
    assert ok.returncode == 0, ok.stderr
    words = ok.stdout.split()
    assert words[0] == "OK" and words[2] == "entries" and len(words[3]) == 64

    database = sqlite3.connect(demo_home / "equalfooting.sqlite3")
    original = database.execute(
        "SELECT actor FROM transparency_auditentry WHERE seq = 7"
    ).fetchone()
    database.execute("UPDATE transparency_auditentry SET actor = 'someone-else' WHERE seq = 7")
    database.commit()
    try:
        broken = run("audit", "verify", home=demo_home)
        assert broken.returncode == 1
        assert "BROKEN at entry 7" in broken.stderr
    finally:
        database.execute("UPDATE transparency_auditentry SET actor = ? WHERE seq = 7", original)
        database.commit()
        database.close()


def test_a_malformed_reference_file_stops_the_load_naming_file_and_line(
    demo_home: Path, tmp_path: Path
) -> None:
    import shutil

    from equalfooting.registry.reference import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "lldc.csv").write_text("iso3\nAFG\nNOPE\n", encoding="utf-8")
    result = run("load-reference-data", "--data-dir", str(data), home=demo_home)
    assert result.returncode == 2
    assert "lldc.csv, line 3" in result.stderr and "Nothing was changed" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["demo"],
        ["serve"],
        ["load-reference-data"],
        ["audit"],
        ["audit", "verify"],
        ["create-secretariat"],
        ["match"],
        ["match", "solve"],
        ["fund"],
        ["fund", "allocate"],
        ["fund", "verify"],
        ["import-indicators"],
        ["export"],
    ],
)
def test_every_command_has_help(command: list[str], tmp_path: Path) -> None:
    result = run(*command, "--help", home=tmp_path)
    assert result.returncode == 0
    assert "usage: equalfooting" in result.stdout


def test_manage_passes_through_to_django(tmp_path: Path) -> None:
    result = run("manage", "check", home=tmp_path)
    assert result.returncode == 0 and "no issues" in result.stdout


def test_a_bad_port_is_refused(tmp_path: Path) -> None:
    result = run("demo", "--no-serve", "--port", "0", home=tmp_path)
    assert result.returncode == 2 and "--port" in result.stderr


def test_match_solve_writes_the_solution_and_refuses_bad_input(tmp_path: Path) -> None:
    import json

    problem: dict[str, Any] = {
        "requests": [
            {
                "id": "r1",
                "state": "A",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 4,
                "weight": 2,
            }
        ],
        "offers": [
            {
                "id": "o1",
                "provider": "P",
                "themes": ["t"],
                "languages": ["en"],
                "modalities": ["online"],
                "capacity": 3,
            }
        ],
        "fairness": "max-min-state",
    }
    (tmp_path / "problem.json").write_text(json.dumps(problem))
    result = run(
        "match",
        "solve",
        "--input",
        str(tmp_path / "problem.json"),
        "--output",
        str(tmp_path / "solution.json"),
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    solution = json.loads((tmp_path / "solution.json").read_text())
    assert solution["assignments"] == [{"request": "r1", "offer": "o1", "units": 3}]
    assert solution["objective"] == 6 and solution["bound"] == pytest.approx(6)
    assert set(solution["explanations"]) == {"r1"}

    problem["offers"].append(dict(problem["offers"][0]))
    (tmp_path / "problem.json").write_text(json.dumps(problem))
    bad = run(
        "match",
        "solve",
        "--input",
        str(tmp_path / "problem.json"),
        "--output",
        str(tmp_path / "other.json"),
        home=tmp_path,
    )
    assert bad.returncode == 2 and "offer 'o1': duplicate id" in bad.stderr
    assert not (tmp_path / "other.json").exists()
    missing = run(
        "match", "solve", "--input", str(tmp_path / "nope.json"), "--output", "-", home=tmp_path
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_fund_allocate_writes_the_result_and_refuses_bad_input(tmp_path: Path) -> None:
    import json

    inputs = {
        "envelope": "1000.00",
        "base_share": "0.1",
        "alpha": "1",
        "beta": "0",
        "gamma": "0",
        "floors": {"LDC": "300.00"},
        "cap_share": "0.5",
        "states": [
            {"key": "a", "need": 0.01, "size": 1, "gni_per_capita": 1, "groups": ["LDC"]},
            {"key": "b", "need": 1, "size": 1, "gni_per_capita": 1, "groups": []},
            {"key": "c", "need": 0.05, "size": 1, "gni_per_capita": 1, "groups": []},
        ],
    }
    (tmp_path / "inputs.json").write_text(json.dumps(inputs))
    args = ("fund", "allocate", "--input", str(tmp_path / "inputs.json"))
    assert run(*args, "--output", str(tmp_path / "r1.json"), home=tmp_path).returncode == 0
    assert run(*args, "--output", str(tmp_path / "r2.json"), home=tmp_path).returncode == 0
    assert (tmp_path / "r1.json").read_bytes() == (tmp_path / "r2.json").read_bytes()
    result = json.loads((tmp_path / "r1.json").read_text())
    assert result["total"] == "1000.00"
    assert [(x["key"], x["amount"], x["binding"]) for x in result["allocations"]] == [
        ("a", "300.00", "floor"),
        ("b", "500.00", "cap"),
        ("c", "200.00", "formula"),
    ]
    inputs["cap_share"] = "0.2"
    (tmp_path / "inputs.json").write_text(json.dumps(inputs))
    bad = run(*args, "--output", str(tmp_path / "r3.json"), home=tmp_path)
    assert bad.returncode == 2 and "cap_share: the caps add up to" in bad.stderr


def test_fund_verify_passes_after_the_demo_and_fails_after_an_allocation_is_altered(
    demo_home: Path,
) -> None:
    ok = run("fund", "verify", "--round", "1", home=demo_home)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK allocation round 1:")
    database = sqlite3.connect(demo_home / "equalfooting.sqlite3")
    row = database.execute("SELECT id, amount FROM fund_allocation ORDER BY id LIMIT 1").fetchone()
    database.execute("UPDATE fund_allocation SET amount = amount + 1 WHERE id = ?", (row[0],))
    database.commit()
    try:
        broken = run("fund", "verify", "--round", "1", home=demo_home)
        assert broken.returncode == 1
        assert "MISMATCH" in broken.stderr and "recomputed" in broken.stderr
    finally:
        database.execute("UPDATE fund_allocation SET amount = ? WHERE id = ?", (row[1], row[0]))
        database.commit()
        database.close()
    assert run("fund", "verify", "--round", "99", home=demo_home).returncode == 2


def test_import_indicators_from_both_layouts(demo_home: Path, tmp_path: Path) -> None:
    world_bank = tmp_path / "API_NY.GNP.PCAP.CD.csv"
    world_bank.write_text(
        '"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-07-01",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2023","2024",\n'
        '"Kenya","KEN","GNI per capita","NY.GNP.PCAP.CD","2010","2110",\n'
        '"World","WLD","GNI per capita","NY.GNP.PCAP.CD","13000","13500",\n'
        '"Fiji","FJI","GNI per capita","NY.GNP.PCAP.CD","","5900",\n',
        encoding="utf-8",
    )
    result = run("import-indicators", str(world_bank), home=demo_home)
    assert result.returncode == 0, result.stderr
    assert "Imported 3 values (world-bank layout); skipped 1 rows" in result.stdout
    long = tmp_path / "long.csv"
    long.write_text(
        "iso3,indicator,year,value,source\nKEN,EF.NEED,2026,0.6,Test source\n"
        "XXX,EF.NEED,2026,0.5,Test source\n",
        encoding="utf-8",
    )
    bad = run("import-indicators", str(long), home=demo_home)
    assert bad.returncode == 2 and "line 3: iso3: unknown State 'XXX'" in bad.stderr
    database = sqlite3.connect(demo_home / "equalfooting.sqlite3")
    try:
        count = database.execute(
            "SELECT COUNT(*) FROM fund_indicator WHERE code = 'EF.NEED'"
        ).fetchone()[0]
    finally:
        database.close()
    assert count == 0  # the good first row was not written either


def test_export_writes_a_file_and_lists_choices_on_bad_input(
    demo_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "requests.csv"
    result = run(
        "export", "requests", "--format", "csv", "--lang", "es", "--out", str(out), home=demo_home
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("reference,state,state_name,title")
    bad = run("export", "secrets", "--out", str(out), home=demo_home)
    assert bad.returncode == 2 and "choose from" in bad.stderr and "'requests'" in bad.stderr
    bad = run("export", "states", "--format", "pdf", "--out", str(out), home=demo_home)
    assert bad.returncode == 2 and "'xlsx'" in bad.stderr
