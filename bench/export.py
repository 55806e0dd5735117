"""Benchmark the open-data exports on a large synthetic dataset; prints one JSON object.

    python bench/export.py --projects 20000

Builds a throwaway SQLite database under a temporary folder, fills it with synthetic projects
(each with a commitment and a disbursement in the ledger) and streams the `projects` and
`ledger` datasets to CSV and the IATI activity file, measuring time and the process's peak
memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=20_000)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="ef-bench-")
    os.environ.update(EF_HOME=home, DJANGO_SETTINGS_MODULE="equalfooting.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from equalfooting.fund.models import Account, LedgerTransaction, Project
    from equalfooting.registry.models import State
    from equalfooting.registry.services import reference_data_load
    from equalfooting.transparency import exports

    call_command("migrate", verbosity=0)
    reference_data_load(actor="system:bench")
    states = list(State.objects.all())
    committed = Account.objects.create(code="committed:bench")
    disbursed = Account.objects.create(code="disbursed")
    Project.objects.bulk_create(
        [
            Project(
                state=states[i % len(states)],
                title=f"Synthetic project {i}",
                committed=Decimal("1000.00"),
                is_synthetic=True,
            )
            for i in range(args.projects)
        ],
        batch_size=2000,
    )
    ledger_account = {"commitment": (committed, disbursed), "disbursement": (disbursed, committed)}
    LedgerTransaction.objects.bulk_create(
        [
            LedgerTransaction(
                kind=kind,
                debit=ledger_account[kind][0],
                credit=ledger_account[kind][1],
                amount=Decimal("1000.00") if kind == "commitment" else Decimal("250.00"),
                reference=f"PRJ-{project:05d}",
                actor="system:bench",
            )
            for project in Project.objects.values_list("pk", flat=True)
            for kind in ("commitment", "disbursement")
        ],
        batch_size=2000,
    )
    before = peak_mb()
    figures = {"projects": args.projects, "peak_rss_mb_before_export": before}
    for dataset in ("projects", "ledger"):
        began = time.perf_counter()
        size = 0
        with open(os.devnull, "wb") as sink:
            for block in exports.chunks(exports.DATASETS[dataset], "csv", "fr"):
                sink.write(block)
                size += len(block)
        figures[f"{dataset}_csv_seconds"] = round(time.perf_counter() - began, 2)
        figures[f"{dataset}_csv_bytes"] = size
    from equalfooting.transparency import iati

    began = time.perf_counter()
    target = Path(home) / "activities.xml"
    figures["iati_activities"] = iati.write_activities(target)
    figures["iati_seconds"] = round(time.perf_counter() - began, 2)
    figures["iati_bytes"] = target.stat().st_size
    # Target: the IATI file costs at most five times the projects CSV of the same data.
    figures["iati_over_projects_csv"] = round(
        figures["iati_seconds"] / max(figures["projects_csv_seconds"], 0.01), 2
    )
    figures["peak_rss_mb"] = peak_mb()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
