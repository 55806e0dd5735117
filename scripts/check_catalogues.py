"""Check that the committed catalogues hold every translatable string in the source.

Runs Django's makemessages (needs GNU gettext) on a copy of the package and compares the
message ids it finds with those committed. Exits 1 naming any missing or stale id.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "equalfooting"


def ids(po: Path) -> set[str]:
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "equalfooting"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        env = dict(os.environ, EF_HOME=str(Path(tmp) / "home"), PYTHONPATH=tmp)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "--settings=equalfooting.settings",
                "-l",
                "fr",
                "--no-location",
                "--ignore",
                "static/*",
            ],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        fresh = ids(copy / "locale/fr/LC_MESSAGES/django.po")
    problems = 0
    for po in sorted((PACKAGE / "locale").glob("*/LC_MESSAGES/django.po")):
        committed = ids(po)
        for missing in sorted(fresh - committed):
            print(f"{po.relative_to(ROOT)}: missing {missing!r}")
            problems += 1
        for stale in sorted(committed - fresh):
            print(f"{po.relative_to(ROOT)}: no longer in the source {stale!r}")
            problems += 1
    if problems:
        print(f"{problems} problem(s): run makemessages and translate (docs/translations.md)")
        return 1
    print("catalogues match the source")
    return 0


if __name__ == "__main__":
    sys.exit(main())
