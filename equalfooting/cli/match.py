"""`equalfooting match solve`: re-run a matching round from its published file.

Pure: no database, so anyone can re-run a published round with the package alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from equalfooting.domain import matching
from equalfooting.domain.errors import InvalidFile

from .files import check_output, json_text, read_json, write_text
from .setup import Subcommands


def register(commands: Subcommands) -> None:
    match = commands.add_parser("match", help="the matching of requests to offers")
    actions = match.add_subparsers(dest="match_command", required=True, metavar="ACTION")
    solve = actions.add_parser(
        "solve",
        help="solve a matching round from its published JSON file",
        description="Read problem.json ({requests, offers, fairness, exclusions}), compute the "
        "optimal assignment of units (min-cost flow; optional max-min fairness across States), "
        "never over an excluded pair (declined in an earlier round), and write "
        "solution.json with the assignments, objective, the bound the flow proves (LP "
        "duality), first-come-first-served baseline and an explanation per request. Needs no "
        "database. Exit 2 names the record at fault in bad input. The method is in "
        "docs/methodology-matching.md.",
    )
    solve.add_argument("--input", required=True, help="problem file (JSON)")
    solve.add_argument("--output", required=True, help="solution file to write, or - for stdout")
    solve.add_argument(
        "--fairness",
        choices=["none", "max-min-state"],
        help="override the problem file's fairness setting",
    )
    solve.set_defaults(func=cmd_match_solve)


def cmd_match_solve(args: argparse.Namespace) -> int:
    check_output(args.output)
    data = read_json(args.input)
    try:
        problem = matching.parse_problem(data)
    except matching.ProblemError as exc:  # the pure domain knows no files; name this one
        raise InvalidFile(f"{args.input}: {exc}") from exc
    if args.fairness:
        problem = dataclasses.replace(problem, fairness=args.fairness)
    print(
        f"Solving: {len(problem.requests)} requests, {len(problem.offers)} offers, "
        f"fairness {problem.fairness}…",
        file=sys.stderr,
        flush=True,
    )
    solution = matching.solution_json(matching.solve(problem))
    write_text(args.output, json_text(solution, levels=2))
    print(
        f"objective {solution['objective']} (proven bound {solution['bound']}, "
        f"first-come-first-served {solution['greedy_objective']}); "
        f"{len(solution['assignments'])} assignments",
        file=sys.stderr,
    )
    return 0
