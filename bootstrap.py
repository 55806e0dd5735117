#!/usr/bin/env python3
"""Create or reuse the project's environment in .venv/, then run one command in it.

    python3 bootstrap.py demo [--port 8000] [--no-serve]   set up and run the demo
    python3 bootstrap.py test [pytest arguments]            run the whole test suite
    python3 bootstrap.py env                                set up only

Only the Python standard library is used here, so a fresh machine with Python >= 3.11 and
access to the package registry needs nothing else. Dependencies come from the hashed lock
files; the environment is re-installed only when a lock file or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(message: str) -> None:
    print(f"[equalfooting] {message}", flush=True)


def run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT)


def fingerprint(lock: Path) -> str:
    return hashlib.sha256(lock.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()


def is_current(lock: Path) -> bool:
    stamp = VENV / f".installed-{lock.stem}"
    return stamp.exists() and stamp.read_text() == fingerprint(lock)


def ensure_environment(*, dev: bool) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under any python3
        sys.exit("Equal Footing needs Python 3.11 or newer; this is " + sys.version.split()[0])
    runtime, development = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
    lock = development if dev else runtime
    if not PYTHON.exists():
        say(f"creating the environment in {VENV}")
        venv.create(VENV, with_pip=True)
    # The development lock holds every runtime package too, so it satisfies the demo.
    if not (is_current(lock) or is_current(development)):
        say(f"installing locked dependencies from {lock.name} (the first run takes a minute)")
        # The lock is complete (every package, pinned and hashed), so pip installs exactly it
        # and resolves nothing: resolving again would let a newer release on the index, asked
        # for through an extra (weasyprint's fonttools[woff]), break hash-checking. pip check
        # then proves the pinned set is consistent.
        run(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", lock)
        run(PYTHON, "-m", "pip", "check")
        # In compat mode the package is found through a path in a .pth file, not through an
        # import hook that every process (each command, each test worker) would load first.
        compat = "--config-settings=editable_mode=compat"
        run(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", compat, "-e", ROOT)
        for old in VENV.glob(".installed-*"):
            old.unlink()
        (VENV / f".installed-{lock.stem}").write_text(fingerprint(lock))
    # Translations are compiled with Babel, so no system gettext is needed.
    run(PYTHON, "-m", "equalfooting.catalogues", "compile", "--quiet")


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_environment(dev=False)
        return subprocess.call([str(BIN / "equalfooting"), "demo", *rest], cwd=ROOT)
    if command == "test":
        ensure_environment(dev=True)
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    if command == "env":
        ensure_environment(dev=True)
        return 0
    print(f"unknown command {command!r}; choose demo, test or env\n", file=sys.stderr)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
