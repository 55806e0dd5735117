"""Every command answers every bad input with one sentence and exit status 2, never a
traceback, and writes nothing (issue 11, "every input bounded, at every door")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from equalfooting.cli import main
from equalfooting.fund.models import Indicator

REQUEST = {
    "id": "a",
    "state": "A",
    "theme": "t",
    "languages": ["en"],
    "modalities": ["online"],
    "units": 3,
    "weight": 1,
}
OFFER = {
    "id": "o",
    "provider": "P",
    "themes": ["t"],
    "languages": ["en"],
    "modalities": ["online"],
    "capacity": 3,
}
INPUTS: dict[str, Any] = {
    "envelope": "1000000.00",
    "base_share": 0.2,
    "alpha": 1,
    "beta": 0.5,
    "gamma": 0.125,
    "floors": {},
    "cap_share": 0.9,
    "states": [
        {"key": "k1", "need": 0.8, "size": 10, "gni_per_capita": 800, "groups": []},
        {"key": "k2", "need": 0.3, "size": 5, "gni_per_capita": 8000, "groups": []},
    ],
}


def problem(**request: Any) -> str:
    return json.dumps({"requests": [{**REQUEST, **request}], "offers": [OFFER]})


def inputs(**change: Any) -> str:
    return json.dumps({**INPUTS, **change})


# (what the file holds, words the one-sentence refusal holds)
MATCH_FILES: list[tuple[bytes | str, str]] = [
    (b"\xff\xfe{", "is not UTF-8 text"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (problem(units=10**30), "units must be a whole number from 1 to 1,000,000"),
    (problem().replace('"units": 3', '"units": 1' + "0" * 5000), "too many digits"),
    (problem(weight=1e308), "weight must be a number from 0 to 1000"),
    (problem().replace('"weight": 1', '"weight": 1e999999'), "weight must be a number"),
    (problem(units=2**40), "units must be a whole number from 1 to 1,000,000"),
    ("[1, 2]", "must be a JSON object"),
]
ALLOCATE_FILES: list[tuple[bytes | str, str]] = [
    (b"\xff", "is not UTF-8 text"),
    (inputs(envelope="1e28"), "envelope: must be ≤ 1000000000000000"),
    (inputs(envelope="1" + "0" * 28 + ".00"), "envelope: must be"),
    (inputs(alpha="1e999999"), "alpha: must be ≤ 10"),
    (inputs(gamma=-1000), "gamma: must be ≥ -10"),
    (json.dumps({**INPUTS, "states": [{**INPUTS["states"][0], "size": 10**100}]}), "size"),
]


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 2, captured
    assert "Traceback" not in captured.err
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


FILE_CASES = [(["match", "solve"], *case) for case in MATCH_FILES] + [
    (["fund", "allocate"], *case) for case in ALLOCATE_FILES
]


@pytest.mark.parametrize(("command", "content", "words"), FILE_CASES)
def test_each_bad_input_file_is_refused(
    command: list[str],
    content: bytes | str,
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out.json"
    assert words in refused([*command, "--input", str(path), "--output", str(out)], capsys)
    assert not out.exists()


@pytest.mark.parametrize("command", [["match", "solve"], ["fund", "allocate"]])
def test_an_output_path_that_is_a_folder_is_refused(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.json"
    path.write_text(problem() if command[0] == "match" else inputs(), encoding="utf-8")
    line = refused([*command, "--input", str(path), "--output", str(tmp_path)], capsys)
    assert "cannot write" in line and "folder" in line


LONG = "iso3,indicator,year,value,source\n"
INDICATOR_FILES: list[tuple[Callable[[Path], Path], str]] = [
    (lambda d: _file(d, LONG + "KEN,EF.NEED,2026,0.5," + "x" * 200_000 + "\n"), "not a CSV row"),
    (lambda d: _file(d, LONG + "KEN,SP.POP.TOTL,2026,1e999999,Test\n"), "too large"),
    (lambda d: _file(d, LONG + "KEN,SP.POP.TOTL,2026,1e30,Test\n"), "too large"),
    (lambda d: _file(d, LONG + "KEN,SP.POP.TOTL,2026,5,Te\x01st\n"), "control character"),
    (lambda d: _file(d, LONG + "KEN,SP.POP.TOTL,2026,5," + "s" * 301 + "\n"), "longer than 300"),
    (lambda d: _file(d, LONG + "KEN,SP.POP.TOTL,99999999999999999999,5,Test\n"), "not a year"),
    (lambda d: _file(d, b"\xff\xfeiso3"), "not UTF-8 text"),
    (lambda d: d, "Is a directory"),
]


def _file(folder: Path, content: str | bytes) -> Path:
    path = folder / "values.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "words"), INDICATOR_FILES)
def test_import_indicators_refuses_each_bad_file(
    make: Callable[[Path], Path], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = Indicator.objects.count()
    assert words in refused(["import-indicators", str(make(tmp_path))], capsys)
    assert Indicator.objects.count() == before
