"""Benchmark the matching core on a synthetic instance; prints one JSON object.

    python bench/match.py --requests 10000 --offers 2000 --seed 1 [--fairness max-min-state]
    python bench/match.py --requests 2000 --offers 400 --fairness max-min-state --largest-units
    python bench/match.py --compare-lp [--requests 4000 --offers 800]

About 20 compatible offers per request: one theme in six, two languages in ten, one or two
modalities in three, and date windows that overlap about three times in five.

`--compare-lp` times `equalfooting match solve` end to end as a process (reading problem.json,
writing solution.json) against SciPy's HiGHS interior-point method solving the transportation
LP of the same problem in a process of its own (offers with one or two themes and languages),
each the best of three runs, reports the ratio of the two processes and, stricter, the ratio
to HiGHS's solver call alone, and checks that the solution's bound, which the flow proves
without a second solver, is the LP optimum.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from equalfooting.domain import matching

THEMES = [f"theme{k}" for k in range(6)]
LANGUAGES = [f"lang{k}" for k in range(10)]
MODALITIES = ["online", "in_person", "hybrid"]
DAY0 = dt.date(2027, 1, 1)


def window(rng: random.Random, length: int) -> tuple[dt.date, dt.date]:
    start = DAY0 + dt.timedelta(days=rng.randrange(365))
    return start, start + dt.timedelta(days=length)


def instance(
    n_requests: int,
    n_offers: int,
    seed: int,
    fairness: str,
    *,
    largest: bool = False,
    varied: bool = False,
) -> matching.Problem:
    """`largest`: units scaled so the largest requests have the largest units allowed
    (matching.MAX_UNITS); the fairness stage's time must not grow with them. `varied`: offers
    have one or two themes and one or two languages."""
    rng = random.Random(seed)  # noqa: S311 - synthetic benchmark data
    scale = matching.MAX_UNITS // 40 if largest else 1
    requests = []
    for i in range(n_requests):
        start, end = window(rng, 120)
        requests.append(
            matching.Request(
                id=f"r{i}",
                state=f"S{rng.randrange(195):03d}",
                theme=rng.choice(THEMES),
                languages=frozenset([rng.choice(LANGUAGES)]),
                modalities=frozenset([rng.choice(MODALITIES)]),
                units=rng.randint(1, 40) * scale,
                weight=round(rng.uniform(0.5, 5.0), 3),
                start=start,
                end=end,
            )
        )
    offers = []
    for j in range(n_offers):
        start, end = window(rng, 200)
        offers.append(
            matching.Offer(
                id=f"o{j}",
                provider=f"P{j % 300}",
                themes=frozenset(rng.sample(THEMES, rng.randint(1, 2) if varied else 1)),
                languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 2) if varied else 2)),
                modalities=frozenset(rng.sample(MODALITIES, rng.randint(1, 2))),
                capacity=min(rng.randint(20, 200) * scale, matching.MAX_UNITS),
                start=start,
                end=end,
            )
        )
    return matching.Problem(tuple(requests), tuple(offers), fairness)


def problem_json(problem: matching.Problem) -> dict[str, Any]:
    """The published round format that `match solve` reads."""

    def dates(item: matching.Request | matching.Offer) -> dict[str, str]:
        return {k: v.isoformat() for k, v in (("start", item.start), ("end", item.end)) if v}

    return {
        "fairness": problem.fairness,
        "requests": [
            {
                "id": r.id,
                "state": r.state,
                "theme": r.theme,
                "languages": sorted(r.languages),
                "modalities": sorted(r.modalities),
                "units": r.units,
                "weight": r.weight,
                **dates(r),
            }
            for r in problem.requests
        ],
        "offers": [
            {
                "id": o.id,
                "provider": o.provider,
                "themes": sorted(o.themes),
                "languages": sorted(o.languages),
                "modalities": sorted(o.modalities),
                "capacity": o.capacity,
                **dates(o),
            }
            for o in problem.offers
        ],
    }


def lp_optimum(path: Path) -> int:
    """In its own process: the transportation LP of the problem in `path`, solved with SciPy's
    HiGHS interior-point method; prints its optimum and the solver's time as JSON."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    problem = matching.parse_problem(json.loads(path.read_text(encoding="utf-8")))
    edges = matching.compatibility(problem)
    variables = [(i, j) for i, js in enumerate(edges) for j in js]
    n_requests = len(problem.requests)
    # Rows: Σ_o x_ro ≤ units_r, then Σ_r x_ro ≤ capacity_o.
    rows = [i for i, _ in variables] + [n_requests + j for _, j in variables]
    cols = list(range(len(variables))) * 2
    matrix = coo_matrix(
        ([1.0] * len(rows), (rows, cols)), shape=(n_requests + len(problem.offers), len(variables))
    ).tocsr()
    rhs = np.array([r.units for r in problem.requests] + [o.capacity for o in problem.offers])
    cost = np.array([-problem.requests[i].weight for i, _ in variables])
    began = time.perf_counter()  # the solver alone: the strictest comparison for match solve
    result = linprog(cost, A_ub=matrix, b_ub=rhs, bounds=(0, None), method="highs-ipm")
    seconds = time.perf_counter() - began
    if result.status != 0:
        print(json.dumps({"error": result.message}))
        return 1
    print(json.dumps({"optimum": float(-result.fun), "seconds": seconds}))
    return 0


def compare_lp(problem: matching.Problem, runs: int) -> dict[str, Any]:
    """Each side's best of `runs` runs, alternating: on a busy machine a single run of either
    can take a tenth longer than its usual time."""
    # An installed package carries its compiled bytecode; a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module again in each run instead.
    compileall.compile_dir(Path(matching.__file__).parent.parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "problem.json", Path(folder) / "solution.json"
        source.write_text(json.dumps(problem_json(problem)), encoding="utf-8")
        command = [sys.executable, "-m", "equalfooting.cli", "match", "solve"]
        solve_seconds = lp_process_seconds = math.inf
        lp_seconds: list[float] = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(
                [*command, "--input", str(source), "--output", str(target)],
                check=True,
                capture_output=True,
            )
            solve_seconds = min(solve_seconds, time.perf_counter() - began)
            began = time.perf_counter()
            lp_run = subprocess.run(
                [sys.executable, __file__, "--lp-only", str(source)],
                check=True,
                capture_output=True,
                text=True,
            )
            lp_process_seconds = min(lp_process_seconds, time.perf_counter() - began)
            lp_seconds.append(json.loads(lp_run.stdout)["seconds"])
        solution = json.loads(target.read_text(encoding="utf-8"))
    lp = json.loads(lp_run.stdout)
    return {
        "match_solve_process_seconds": round(solve_seconds, 3),
        "highs_ipm_process_seconds": round(lp_process_seconds, 3),
        "highs_ipm_solver_seconds": round(min(lp_seconds), 3),
        "runs": runs,
        # The measure: both as processes (start, read, build, solve, write) ...
        "ratio": round(solve_seconds / lp_process_seconds, 3),
        # ... and, stricter, against HiGHS's solver call alone.
        "ratio_to_highs_solver_alone": round(solve_seconds / min(lp_seconds), 3),
        "ratio_target": 0.25,
        "objective": solution["objective"],
        "bound": solution["bound"],
        "lp_optimum": round(lp["optimum"], 9),
        "bound_over_lp_optimum": round(solution["bound"] / lp["optimum"], 9),
        "objective_over_bound": round(solution["objective"] / solution["bound"], 9),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, help="10,000 (4,000 with --compare-lp)")
    parser.add_argument("--offers", type=int, help="2,000 (800 with --compare-lp)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fairness", choices=matching.FAIRNESS, default="none")
    parser.add_argument(
        "--largest-units",
        action="store_true",
        help=f"scale units so the largest requests have {matching.MAX_UNITS:,}, the maximum",
    )
    parser.add_argument(
        "--compare-lp",
        action="store_true",
        help="time `match solve` as a process against HiGHS's interior-point LP in its own",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="with --compare-lp: best of this many runs (3)"
    )
    parser.add_argument("--lp-only", type=Path, help=argparse.SUPPRESS)  # the LP's own process
    args = parser.parse_args()
    if args.lp_only:
        return lp_optimum(args.lp_only)
    if args.compare_lp:
        requests, offers = args.requests or 4_000, args.offers or 800
        problem = instance(requests, offers, args.seed, "none", varied=True)
        figures = {"requests": requests, "offers": offers, "seed": args.seed}
        print(json.dumps({**figures, **compare_lp(problem, args.runs)}))
        return 0
    args.requests, args.offers = args.requests or 10_000, args.offers or 2_000
    problem = instance(
        args.requests, args.offers, args.seed, args.fairness, largest=args.largest_units
    )
    began = time.perf_counter()
    solution = matching.solve(problem)
    seconds = time.perf_counter() - began
    edges = matching.compatibility(problem)
    print(
        json.dumps(
            {
                "requests": args.requests,
                "offers": args.offers,
                "seed": args.seed,
                "fairness": args.fairness,
                "largest_units": max(r.units for r in problem.requests),
                "compatible_offers_per_request": round(sum(map(len, edges)) / len(edges), 2),
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "objective": round(solution.objective, 3),
                "bound": round(solution.bound, 3),
                "objective_over_bound": round(solution.objective / solution.bound, 6)
                if solution.bound
                else None,
                "greedy_objective": round(solution.greedy_objective, 3),
                "min_share": float(solution.min_share) if solution.min_share is not None else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
