"""Processes for the worker tests, each a real `python -m tests.jobs.harness COMMAND`:

- `prepare`: migrate a fresh database, load the reference data, make two open requests and two
  published offers, and open a round as the Secretariat (its job queued, not yet run); prints
  the job's id;
- `slow-worker`: a worker whose solver takes `EF_TEST_SOLVE_PAUSE` seconds before solving, to
  be killed with `kill -9` in the middle;
- `report JOB_ID`: what the database holds about that job and its round, as JSON.

The database comes from the environment (EF_HOME or DATABASE_URL), as for `equalfooting`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import django


def prepare() -> None:
    # after django.setup(): these read models
    from django.core.management import call_command

    from equalfooting.matchmaking import services
    from equalfooting.needs.models import AssistanceRequest
    from equalfooting.registry.services import reference_data_load
    from tests import factories

    call_command("migrate", interactive=False, verbosity=0)
    reference_data_load(actor="system:test")
    officer = factories.officer()
    for iso3 in ("KEN", "FJI"):
        focal = factories.focal_point(iso3, f"fp-{iso3.lower()}")
        factories.assistance_request(
            focal, officer=officer, status=AssistanceRequest.Status.OPEN, units=10
        )
    for name in ("Academy A", "Academy B"):
        provider = factories.provider(officer=officer, name=name)
        rep = factories.provider_representative(provider, f"rep-{name[-1].lower()}")
        factories.published_offer(rep, provider, capacity=6)
    job = services.round_open(actor=officer, fairness="max-min-state")
    print(job.pk)


def slow_worker() -> None:
    # after django.setup(): the worker reads models
    from django.conf import settings

    from equalfooting.domain import matching
    from equalfooting.jobs.worker import Worker

    pause = float(os.environ.get("EF_TEST_SOLVE_PAUSE", "60"))
    solve = matching.solve

    def slow_solve(problem: Any) -> Any:
        print("solving", flush=True)
        time.sleep(pause)
        return solve(problem)

    matching.solve = slow_solve
    worker = Worker(
        lease=settings.EF_JOB_LEASE,
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"slow:{os.getpid()}",
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


def report(job_id: str) -> None:
    # after django.setup(): these read models
    from django_tasks_db.models import DBTaskResult

    from equalfooting.audit.models import AuditEntry
    from equalfooting.audit.selectors import audit_verify
    from equalfooting.jobs.models import Job
    from equalfooting.matchmaking.models import Match, Round

    job = Job.objects.get(pk=job_id)
    rounds = list(Round.objects.all())
    print(
        json.dumps(
            {
                "status": job.status,
                "tries": job.tries,
                "reason": job.reason,
                "outcome": job.outcome,
                "rounds": len(rounds),
                "matches": Match.objects.count(),
                "assignments": sum(len(r.solution["assignments"]) for r in rounds),
                "round_open_entries": AuditEntry.objects.filter(
                    action="matchmaking.round.open"
                ).count(),
                "round_open_actors": sorted(
                    set(
                        AuditEntry.objects.filter(action="matchmaking.round.open").values_list(
                            "actor", flat=True
                        )
                    )
                ),
                "job_actions": list(
                    AuditEntry.objects.filter(object_type="job", object_id=job_id).values_list(
                        "action", flat=True
                    )
                ),
                "task_rows": sorted(
                    DBTaskResult.objects.filter(args_kwargs__args__0=job_id).values_list(
                        "status", flat=True
                    )
                ),
                "audit_ok": audit_verify().ok,
            }
        )
    )


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equalfooting.settings")
    django.setup()
    command, *rest = argv
    if command == "prepare":
        prepare()
    elif command == "slow-worker":
        slow_worker()
    elif command == "report":
        report(rest[0])
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
