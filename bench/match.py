"""Benchmark the matching core on a synthetic instance; prints one JSON object.

    python bench/match.py --requests 10000 --offers 2000 --seed 1 [--fairness max-min-state]
    python bench/match.py --requests 2000 --offers 400 --fairness max-min-state --largest-units

About 20 compatible offers per request: one theme in six, two languages in ten, one or two
modalities in three, and date windows that overlap about three times in five.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import time
from pathlib import Path

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
    n_requests: int, n_offers: int, seed: int, fairness: str, *, largest: bool = False
) -> matching.Problem:
    """`largest`: units scaled so the largest requests have the largest units allowed
    (matching.MAX_UNITS); the fairness stage's time must not grow with them."""
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
                themes=frozenset([rng.choice(THEMES)]),
                languages=frozenset(rng.sample(LANGUAGES, 2)),
                modalities=frozenset(rng.sample(MODALITIES, rng.randint(1, 2))),
                capacity=min(rng.randint(20, 200) * scale, matching.MAX_UNITS),
                start=start,
                end=end,
            )
        )
    return matching.Problem(tuple(requests), tuple(offers), fairness)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fairness", choices=matching.FAIRNESS, default="none")
    parser.add_argument(
        "--largest-units",
        action="store_true",
        help=f"scale units so the largest requests have {matching.MAX_UNITS:,}, the maximum",
    )
    args = parser.parse_args()
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
