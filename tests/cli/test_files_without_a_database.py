"""The commands that need no database, run in-process: --help, match solve, fund allocate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from equalfooting.cli import main


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["demo"],
        ["serve"],
        ["load-reference-data"],
        ["audit"],
        ["audit", "verify"],
        ["audit", "show"],
        ["audit", "head"],
        ["audit", "prove"],
        ["audit", "attest"],
        ["backup"],
        ["restore"],
        ["create-secretariat"],
        ["match"],
        ["match", "solve"],
        ["fund"],
        ["fund", "allocate"],
        ["fund", "verify"],
        ["import-indicators"],
        ["export"],
        ["mirror"],
        ["mirror", "export"],
        ["mirror", "verify"],
        ["mirror", "import"],
        ["report"],
        ["report", "annual"],
    ],
)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert "usage: equalfooting" in capsys.readouterr().out


def test_a_bad_port_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--no-serve", "--port", "0"]) == 2
    assert "--port" in capsys.readouterr().err


PROBLEM: dict[str, Any] = {
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


def test_match_solve_writes_the_solution_and_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = json.loads(json.dumps(PROBLEM))
    (tmp_path / "problem.json").write_text(json.dumps(problem))
    solve = ["match", "solve", "--input", str(tmp_path / "problem.json"), "--output"]
    assert main([*solve, str(tmp_path / "solution.json")]) == 0, capsys.readouterr().err
    solution = json.loads((tmp_path / "solution.json").read_text())
    assert solution["assignments"] == [{"request": "r1", "offer": "o1", "units": 3}]
    assert solution["objective"] == 6 and solution["bound"] == pytest.approx(6)
    assert set(solution["explanations"]) == {"r1"}

    problem["offers"].append(dict(problem["offers"][0]))
    (tmp_path / "problem.json").write_text(json.dumps(problem))
    capsys.readouterr()
    assert main([*solve, str(tmp_path / "other.json")]) == 2
    error = capsys.readouterr().err
    assert "offer 'o1': duplicate id" in error and "problem.json" in error
    assert "Traceback" not in error
    assert not (tmp_path / "other.json").exists()

    missing = ["match", "solve", "--input", str(tmp_path / "nope.json"), "--output", "-"]
    assert main(missing) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "broken.json").write_text("{")
    assert main(["match", "solve", "--input", str(tmp_path / "broken.json"), "--output", "-"]) == 2
    assert "broken.json is not valid JSON" in capsys.readouterr().err


def test_match_solve_writes_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "problem.json").write_text(json.dumps(PROBLEM))
    assert main(["match", "solve", "--input", str(tmp_path / "problem.json"), "--output", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == 6


def test_fund_allocate_writes_the_result_and_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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
    allocate = ["fund", "allocate", "--input", str(tmp_path / "inputs.json")]
    assert main([*allocate, "--output", str(tmp_path / "r1.json")]) == 0
    assert main([*allocate, "--output", str(tmp_path / "r2.json")]) == 0
    assert (tmp_path / "r1.json").read_bytes() == (tmp_path / "r2.json").read_bytes()
    result = json.loads((tmp_path / "r1.json").read_text())
    assert result["total"] == "1000.00"
    assert [(x["key"], x["amount"], x["binding"]) for x in result["allocations"]] == [
        ("a", "300.00", "floor"),
        ("b", "500.00", "cap"),
        ("c", "200.00", "formula"),
    ]
    assert "allocated 1000.00 to 3 States" in capsys.readouterr().err

    inputs["cap_share"] = "0.2"
    (tmp_path / "inputs.json").write_text(json.dumps(inputs))
    assert main([*allocate, "--output", str(tmp_path / "r3.json")]) == 2
    error = capsys.readouterr().err
    assert "cap_share: the caps add up to" in error and "inputs.json" in error
    assert not (tmp_path / "r3.json").exists()


ALLOCATION_INPUTS: dict[str, Any] = {
    "envelope": "100.00",
    "base_share": "0",
    "alpha": "1",
    "beta": "0",
    "gamma": "0",
    "cap_share": "1",
    "states": [{"key": "a", "need": 1, "size": 1, "gni_per_capita": 1, "groups": []}],
}


@pytest.mark.parametrize(
    ("command", "good"), [(["match", "solve"], PROBLEM), (["fund", "allocate"], ALLOCATION_INPUTS)]
)
def test_the_commands_on_files_never_load_django(
    tmp_path: Path, command: list[str], good: dict[str, Any]
) -> None:
    """Run in a fresh process, where nothing else has loaded Django (it would cost a third of a
    second on every run of a published round); a refusal is answered without it too."""
    # A fresh interpreter: this one has Django loaded by pytest-django.
    import subprocess
    import sys

    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "bad.json").write_text("[]")
    probe = (
        "import sys\n"
        "from equalfooting.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(code, 'django' in sys.modules)\n"
    )
    for source, code in (("good.json", "0"), ("bad.json", "2")):
        arguments = [*command, "--input", str(tmp_path / source), "--output", "-"]
        done = subprocess.run(
            [sys.executable, "-c", probe, *arguments], capture_output=True, text=True, check=True
        )
        assert done.stdout.split()[-2:] == [code, "False"], done.stderr
