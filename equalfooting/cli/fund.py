"""`equalfooting fund allocate|verify` and `equalfooting import-indicators`: the assistance fund."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from equalfooting.domain import allocation
from equalfooting.domain.errors import InvalidFile

from .files import check_output, read_json, write_text
from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    fund = commands.add_parser("fund", help="the assistance fund")
    actions = fund.add_subparsers(dest="fund_command", required=True, metavar="ACTION")
    allocate = actions.add_parser(
        "allocate",
        help="run the allocation formula on an inputs file",
        description="Read inputs.json (envelope, base_share, alpha, beta, gamma, floors, "
        "cap_share, states with opaque keys) and write result.json with each State's amount "
        "in cents, which bound held it (floor, cap or formula) and how it was made. Needs no "
        "database. Exit 2 names the field at fault. The method is in "
        "docs/methodology-allocation.md.",
    )
    allocate.add_argument("--input", required=True, help="inputs file (JSON)")
    allocate.add_argument("--output", required=True, help="result file to write, or - for stdout")
    allocate.set_defaults(func=cmd_fund_allocate)
    verify = actions.add_parser(
        "verify",
        help="check the ledger against the audit log, and recompute an allocation round",
        description="Check every ledger transaction against its audited state and every "
        "account's balance against the transactions; with --round, also recompute that "
        "allocation round from its stored inputs. Exits 0 only if everything matches to the "
        "cent; otherwise lists each mismatch and exits 1.",
    )
    verify.add_argument("--round", type=int, help="also recompute this allocation round")
    verify.set_defaults(func=cmd_fund_verify)

    indicators = commands.add_parser(
        "import-indicators",
        help="import indicator values (World Bank CSV or a long layout)",
        description="Read the World Bank's CSV download (Country Name, Country Code, Indicator "
        "Name, Indicator Code, 1960, …) or a long layout (iso3, indicator, year, value, source). "
        "A bad row stops the import with its line number and nothing is written.",
    )
    indicators.add_argument("file", help="the CSV file")
    indicators.add_argument(
        "--synthetic", action="store_true", help="label the values as synthetic demo data"
    )
    indicators.set_defaults(func=cmd_import_indicators)


def cmd_fund_allocate(args: argparse.Namespace) -> int:
    """Pure: no database, so anyone can re-run a published allocation from its inputs file."""
    check_output(args.output)
    data = read_json(args.input)
    try:
        result = allocation.result_json(allocation.allocate(allocation.parse_inputs(data)))
    except allocation.AllocationError as exc:  # the pure domain knows no files; name this one
        raise InvalidFile(f"{args.input}: {exc}") from exc
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    write_text(args.output, text)
    bound = {
        b: sum(1 for a in result["allocations"] if a["binding"] == b)
        for b in ("floor", "cap", "formula")
    }
    print(
        f"allocated {result['total']} to {len(result['allocations'])} States "
        f"({bound['formula']} by the formula, {bound['floor']} at a floor, "
        f"{bound['cap']} at the cap)",
        file=sys.stderr,
    )
    return 0


def cmd_fund_verify(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the recomputation reads models, which need the app registry
    from equalfooting.fund.allocation_rounds import round_verify

    # after django_setup(): the check reads models, which need the app registry
    from equalfooting.fund.ledger import ledger_verify

    # after django_setup(): the selector reads models, which need the app registry
    from equalfooting.fund.selectors import allocation_round_from_id

    problems = ledger_verify()
    if not problems:
        print("OK ledger: every transaction as audited, every balance the sum of its movements")
    for problem in problems:
        print(f"MISMATCH {problem}", file=sys.stderr)
    if args.round is None:
        return 1 if problems else 0
    round_ = allocation_round_from_id(round_id=args.round)  # NotFound: exit 2
    result = round_verify(round_)
    if result.ok:
        print(f"OK allocation round {round_.pk}: {result.checked} figures recomputed and matching")
    for problem in result.problems:
        print(f"MISMATCH {problem}", file=sys.stderr)
    return 0 if result.ok and not problems else 1


def cmd_import_indicators(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the import writes models, which need the app registry
    from equalfooting.fund.indicators import IndicatorFileError, import_file

    try:
        summary = import_file(
            path=Path(args.file), actor="system:import-indicators", synthetic=args.synthetic
        )
    except IndicatorFileError as exc:  # its message names the line; name the file too
        raise InvalidFile(f"{args.file}, {exc}") from exc
    print(
        f"Imported {summary.values} values ({summary.layout} layout); "
        f"skipped {summary.skipped_rows} rows that are not States."
    )
    return 0
