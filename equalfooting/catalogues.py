"""Compile the committed .po catalogues to .mo with Babel, so no system gettext is needed.

python -m equalfooting.catalogues compile [--quiet]
python -m equalfooting.catalogues check
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all(*, quiet: bool = False) -> int:
    compiled = 0
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parts[-3])
        with mo_path.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        compiled += 1
    if not quiet:
        print(f"compiled {compiled} catalogue(s) of {len(catalogues())}")
    return compiled


def incomplete() -> list[str]:
    """Every untranslated or fuzzy entry, as 'file: msgid'."""
    problems = []
    for po_path in catalogues():
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parts[-3])
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                ident = message.id[0] if isinstance(message.id, tuple) else message.id
                problems.append(f"{po_path.relative_to(LOCALE_DIR)}: {ident!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m equalfooting.catalogues", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    compile_parser = sub.add_parser("compile", help="compile .po catalogues to .mo")
    compile_parser.add_argument("--quiet", action="store_true")
    sub.add_parser("check", help="list untranslated or fuzzy entries; exit 1 if any")
    args = parser.parse_args(argv)
    if args.command == "compile":
        compile_all(quiet=args.quiet)
        return 0
    problems = incomplete()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
