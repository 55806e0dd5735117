"""The command line is safe anywhere: run from an empty folder with no EF_HOME and no
DATABASE_URL, a command that reads an installation says in one sentence how to point it at
one, exits 2 and creates nothing; `manage --help` works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env

READERS = [
    ["audit", "verify"],
    ["fund", "verify", "--round", "1"],
    ["export", "states", "--format", "csv", "--out", "states.csv"],
    ["report", "annual", "--year", "2026", "--lang", "en", "--out", "report.pdf"],
    ["mirror", "export", "--out", "bundle.tar"],
    ["mirror", "import", "bundle.tar", "--public-key", "AAAA"],
    ["load-reference-data"],
    ["import-indicators", "indicators.csv"],
    ["create-secretariat", "--username", "a", "--email", "a@example.org"],
    ["worker", "--batch"],
    ["tick"],
    ["serve"],
]


def _run(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    env = subprocess_env()
    env.pop("EF_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_a_command_that_reads_an_installation_stops_in_an_empty_folder(
    tmp_path: Path, args: list[str]
) -> None:
    done = _run(args, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: There is no Equal Footing installation at {tmp_path}")
    assert "EF_HOME" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_manage_help_lists_djangos_commands(tmp_path: Path) -> None:
    done = _run(["manage", "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "migrate" in done.stdout
