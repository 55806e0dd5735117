"""Stream an open-data file of an existing installation in each format; prints one JSON object.

    DATABASE_URL=postgres://postgres@127.0.0.1/ef_s100 python bench/stream.py --dataset ledger

Each format (CSV, XLSX, JSON) is written to nothing by a process of its own, as a download
would be, so that each peak of memory is that format's alone; the peak is compared with the
process's size before the first row, to show that streaming a million ledger postings holds
memory constant (rows are read in chunks and written as they come).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def one(dataset: str, fmt: str) -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    import django

    django.setup()
    from equalfooting.transparency import exports

    chosen = exports.DATASETS[dataset]
    before = peak_mb()
    began = time.perf_counter()
    size = 0
    with open(os.devnull, "wb") as sink:
        for block in exports.chunks(chosen, fmt, "fr"):
            sink.write(block)
            size += len(block)
    return {
        "format": fmt,
        "seconds": round(time.perf_counter() - began, 1),
        "bytes": size,
        "peak_rss_mb_before": before,
        "peak_rss_mb": peak_mb(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="ledger")
    parser.add_argument("--formats", nargs="*", default=["csv", "xlsx", "json"])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.dataset, args.one)))
        return 0
    figures: dict[str, object] = {"dataset": args.dataset}
    for fmt in args.formats:
        out = subprocess.run(
            [sys.executable, __file__, "--dataset", args.dataset, "--one", fmt],
            check=True,
            capture_output=True,
            text=True,
        )
        figures[fmt] = json.loads(out.stdout)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
