"""Settings that count seconds and may be zero (the database connection's reuse, the page cache,
what browsers may keep): a value that is not a whole number stops every command at start,
naming the setting, rather than failing later or with a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["EF_CONN_MAX_AGE", "EF_PAGE_CACHE_SECONDS", "EF_PUBLIC_MAX_AGE"])
@pytest.mark.parametrize("value", ["-5", "ten", "1.5"])
def test_a_bad_count_stops_at_start_naming_the_setting(
    tmp_path: Path, name: str, value: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", "manage", "check"],
        cwd=ROOT,
        env=subprocess_env(EF_HOME=str(tmp_path), **{name: value}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"{name} must be zero or a positive whole number" in done.stderr
    assert "Traceback" not in done.stderr
