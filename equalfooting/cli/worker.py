"""`equalfooting worker`: run background jobs (django-tasks-db's worker, with the job lease)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .setup import Subcommands, django_setup


def register(commands: Subcommands) -> None:
    worker = commands.add_parser(
        "worker",
        help="run a worker for background jobs (solving rounds, reports, files, e-mail)",
        description="Take queued jobs from the database (DATABASE_URL) and run them, one at a "
        "time, until stopped (Ctrl+C or SIGTERM: the job in hand is finished first). Run as "
        "many as you like, on as many hosts as share a PostgreSQL database; each job runs "
        "once. The worker renews the lease of its job; a job whose worker stopped renewing for "
        "EF_JOB_LEASE seconds (default 600) is queued again, three tries at most. Every "
        "EF_TICK_EVERY seconds (default 300) a worker also runs the scheduler's pass. Workers "
        "read the settings the application servers read: DATABASE_URL, CACHE_URL (the shared "
        "cache), EF_FILES_DIR (where they write the files the servers serve: a folder every "
        "host shares) and, for e-mail, EMAIL_HOST and its companions. "
        "`equalfooting demo` starts one beside its server. Settings: docs/operations.md.",
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds to wait when the queue is empty before looking again (default 1)",
    )
    worker.add_argument(
        "--batch", action="store_true", help="run every queued job, then exit (for cron)"
    )
    worker.add_argument(
        "--max-jobs", type=int, default=None, help="exit after this many jobs (default: no limit)"
    )
    worker.add_argument(
        "--worker-id",
        default=None,
        help="a name unique among the workers (default: host, process and a random part)",
    )
    worker.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run the scheduler's pass (deadlines, reminders, digests) every "
        "EF_TICK_EVERY seconds (default 300): for extra workers, or when cron runs "
        "`equalfooting tick`",
    )
    worker.add_argument(
        "--quiet", action="store_true", help="print only warnings, not each job started and ended"
    )
    # Given by `equalfooting demo`: the worker stops when the process that started it is gone.
    worker.add_argument("--stop-with", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(func=cmd_worker)
    register_tick(commands)


def register_tick(commands: Subcommands) -> None:
    tick = commands.add_parser(
        "tick",
        help="run one pass of the scheduler (deadlines, reminders, lapses, digests) and exit",
        description="Run one pass of the scheduler, as each worker does every EF_TICK_EVERY "
        "seconds: lapse the deadlines that have passed, send the reminders due (EF_REMINDER_DAYS, "
        "default 7 and 2 days before), send yesterday's daily digests, and e-mail any notice "
        "whose e-mail was lost. For installations that prefer cron, e.g. every five minutes "
        "with workers started with --no-scheduler. Running it twice sends nothing twice. "
        "Prints what it did as JSON.",
    )
    tick.set_defaults(func=cmd_tick)


def cmd_tick(args: argparse.Namespace) -> int:
    django_setup()
    # after django_setup(): the scheduler reads models, which need the app registry
    from equalfooting.jobs.schedule import tick

    print(json.dumps(tick(), ensure_ascii=False))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import socket  # with the worker only: every command loads this module to list it

    # Django is loaded by the commands that need it only (match solve does not).
    from django.conf import settings
    from django.utils.crypto import get_random_string

    # It builds on Django's ValidationError: loaded with Django.
    from equalfooting.core.errors import InvalidInput

    if args.interval < 0:
        raise InvalidInput({"--interval": f"must be zero or more, not {args.interval}"})
    if args.max_jobs is not None and args.max_jobs <= 0:
        raise InvalidInput({"--max-jobs": f"must be a positive whole number, not {args.max_jobs}"})
    worker_id = args.worker_id or (
        f"{socket.gethostname()[:30]}:{os.getpid()}:{get_random_string(8)}"
    )
    if not 0 < len(worker_id) <= 64:
        raise InvalidInput({"--worker-id": "must be 1 to 64 characters long"})
    django_setup()
    # after django_setup(): the worker reads models, which need the app registry
    from equalfooting.jobs.worker import Worker

    _log_to_console(quiet=args.quiet)
    worker = Worker(
        lease=settings.EF_JOB_LEASE,
        stop_with=args.stop_with,
        scheduler=not args.no_scheduler,
        queue_names=["default"],
        interval=args.interval,
        batch=args.batch,
        backend_name="default",
        startup_delay=not args.batch,
        max_tasks=args.max_jobs,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    print(
        f"Worker {worker_id} on {settings.DATABASES['default']['NAME']}; "
        f"job lease {settings.EF_JOB_LEASE} s; "
        + (
            "no scheduler."
            if args.no_scheduler or args.batch
            else f"scheduler pass every {settings.EF_TICK_EVERY} s."
        ),
        flush=True,
    )
    worker.configure_signals()
    worker.run()
    return 0


def _log_to_console(*, quiet: bool) -> None:
    import logging  # with the worker only (see cmd_worker)

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("django_tasks", "django_tasks_db", "equalfooting.jobs"):
        log = logging.getLogger(name)
        log.setLevel(logging.WARNING if quiet else logging.INFO)
        log.addHandler(handler)
        log.propagate = False
