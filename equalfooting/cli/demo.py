"""`equalfooting demo` (the synthetic demonstration) and `equalfooting serve` (production)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from .reference import load_reference_data
from .setup import Subcommands, django_setup, migrate

if TYPE_CHECKING:  # for the annotations; loaded where a process is started
    import subprocess

DEMO_PASSWORD = "equal-footing-demo"  # noqa: S105 - printed by the demo; only on its synthetic accounts


def register(commands: Subcommands) -> None:
    demo = commands.add_parser(
        "demo",
        help="set up the embedded database with reference and synthetic demo data, then serve",
        description="Create and migrate the database (SQLite under ./var/ or $EF_HOME unless "
        "DATABASE_URL is set), load the reference data, build the synthetic demo scenario, print "
        "one login per role and serve on 127.0.0.1, with a worker for background jobs beside "
        "the server (stopped with it). Safe to run again.",
    )
    demo.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    demo.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    demo.add_argument("--no-serve", action="store_true", help="set up and exit without serving")
    demo.set_defaults(func=cmd_demo)

    serve = commands.add_parser(
        "serve",
        help="run the production server (gunicorn, WhiteNoise) on DATABASE_URL",
        description="Collect static files and run gunicorn. Set EF_ENV=production, SECRET_KEY "
        "and ALLOWED_HOSTS first. A load balancer probes GET /healthz (alive) and GET /readyz "
        "(database reachable, migrations applied, job queue depth; 503 when not ready); "
        "a monitoring system scrapes GET /metrics with EF_METRICS_TOKEN. Several servers share "
        "one DATABASE_URL, CACHE_URL (db:// by default in production, or redis://…) and "
        "EF_FILES_DIR (a shared folder). Settings: docs/operations.md.",
    )
    serve.add_argument(
        "--bind", default="127.0.0.1:8000", help="address:port (default 127.0.0.1:8000)"
    )
    serve.add_argument(
        "--workers", type=int, default=3, help="gunicorn worker processes (default 3)"
    )
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    serve.set_defaults(func=cmd_serve)


def cmd_demo(args: argparse.Namespace) -> int:
    # Django is loaded by the commands that need it only (match solve does not).
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    # It builds on Django's ValidationError: loaded with Django.
    from equalfooting.core.errors import InvalidInput

    if not 0 < args.port < 65536:
        raise InvalidInput({"--port": f"must be between 1 and 65535, not {args.port}"})
    # Links in e-mails lead to this server, unless the operator named the address.
    host = f"[{args.host}]" if ":" in args.host else args.host
    os.environ.setdefault("EF_BASE_URL", f"http://{host}:{args.port}")
    # The demo's e-mails (its own and the worker's) are written as files under EF_HOME/mail,
    # not onto the terminal, unless the operator chose a mail backend.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    django_setup(creates=True)
    # after django_setup(): the scenario writes models, which need the app registry
    from equalfooting import demo as scenario

    print(f"Equal Footing demo — data in {settings.DATABASES['default']['NAME']}", flush=True)
    migrate(verbosity=0)
    load_reference_data()
    print("Building the synthetic demo scenario…", flush=True)
    # The scenario's notices wait in the demo people's inboxes; none is e-mailed while it is
    # built (their addresses are synthetic, and the console would fill with them).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        logins = scenario.build(password=DEMO_PASSWORD)
    url = f"http://{args.host}:{args.port}/"
    print()
    if args.no_serve:
        print("Built. Serve it with `equalfooting demo` (the same command, without --no-serve).")
    else:
        print(f"Open {url}")
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        print(f"E-mails are written as files to {settings.EMAIL_FILE_PATH}.")
    print(f"Demo logins (synthetic accounts; password for each: {DEMO_PASSWORD}):")
    for role, username, note in logins:
        print(f"  {role:<22} {username:<28} {note}")
    print()
    if args.no_serve:
        return 0
    worker = _worker_beside()
    print("A worker runs the background jobs beside the server; both stop together.", flush=True)
    try:
        call_command(
            "runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True
        )
    finally:
        _stop(worker)
    return 0


def _worker_beside() -> subprocess.Popen[bytes]:
    """`equalfooting worker` in a process of its own, on the same database and settings.

    It is stopped when the server stops; if this process is killed outright, the worker sees
    its parent gone (`--stop-with`) and stops by itself.
    """
    import subprocess  # here: every command loads this module to list its commands

    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "equalfooting.cli",
            "worker",
            "--quiet",
            "--stop-with",
            str(os.getpid()),
        ]
    )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (it finishes the job in hand), then insist after a while."""
    import subprocess  # see _worker_beside

    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def cmd_serve(args: argparse.Namespace) -> int:
    django_setup(creates=args.migrate)
    # after django_setup(): Django is loaded by the commands that need it only
    from django.core.management import call_command

    if args.migrate:
        migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    # gunicorn's processes each write their metrics here, and a scrape of /metrics reads them
    # all; a fresh folder for each start (prometheus_client's multiprocess mode needs one).
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        import tempfile  # only when serving (see _worker_beside)

        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ef-metrics-")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "equalfooting.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
    return 0  # pragma: no cover
