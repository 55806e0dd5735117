"""Real worker processes: one killed with `kill -9` while it solves a round; two sharing a
PostgreSQL queue of 200 jobs; the job lease setting checked when the server starts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from equalfooting import permissions
from equalfooting.audit.models import AuditEntry
from equalfooting.jobs import services
from equalfooting.jobs.models import Job
from tests.conftest import subprocess_env
from tests.jobs import handlers

ROOT = Path(__file__).resolve().parents[2]
QUIET_MAIL = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def harness(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.jobs.harness", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def report(env: dict[str, str], job_id: str) -> dict[str, Any]:
    return json.loads(harness(env, "report", job_id))


def wait_for(check: Any, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_a_worker_killed_mid_solve_leaves_nothing_and_the_round_is_solved_once(
    tmp_path: Path,
) -> None:
    """The acceptance test of the issue: `kill -9` of a worker while it solves a round; after the
    lease runs out the round is solved exactly once (one audit entry, no half-written matches)."""
    env = subprocess_env(EF_HOME=str(tmp_path), **QUIET_MAIL)
    job_id = harness(env, "prepare")
    log = (tmp_path / "slow.log").open("w")
    slow = subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.harness", "slow-worker"],
        cwd=ROOT,
        env={**env, "EF_TEST_SOLVE_PAUSE": "120"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(
            lambda: "solving" in (tmp_path / "slow.log").read_text(),
            seconds=120,
            what="the slow worker to start solving",
        )
        during = report(env, job_id)
        assert (during["status"], during["tries"]) == (Job.Status.RUNNING, 1)
        os.kill(slow.pid, signal.SIGKILL)
        slow.wait(timeout=30)
    finally:
        if slow.poll() is None:
            slow.kill()
        log.close()
    after_kill = report(env, job_id)
    assert after_kill["status"] == Job.Status.RUNNING  # the dead worker's job, as it left it
    assert (after_kill["rounds"], after_kill["matches"], after_kill["round_open_entries"]) == (
        0,
        0,
        0,
    )

    # Another worker, with a short lease, finds the lease run out and solves the round.
    worker = subprocess.Popen(
        [sys.executable, "-m", "equalfooting.cli", "worker", "--interval", "0.2", "--quiet"],
        cwd=ROOT,
        env={**env, "EF_JOB_LEASE": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            lambda: report(env, job_id)["status"] == Job.Status.SUCCESSFUL,
            seconds=180,
            what="the round to be solved",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    final = report(env, job_id)
    assert final["tries"] == 2
    assert final["rounds"] == 1 and final["round_open_entries"] == 1
    assert final["matches"] == final["assignments"] > 0
    assert final["round_open_actors"] == ["system:worker"]
    assert final["job_actions"] == [
        "jobs.job.queue",
        "jobs.job.start",
        "jobs.job.requeue",
        "jobs.job.start",
        "jobs.job.done",
    ]
    assert final["task_rows"] == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    assert final["audit_ok"]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_of_200_jobs_exactly_once(
    on_postgres: bool, database_backend: None
) -> None:
    if not on_postgres:
        pytest.skip("two workers sharing one queue need PostgreSQL's row locks")
    jobs = [
        services.job_enqueue(
            actor=permissions.SYSTEM_DEMO, work=handlers.note_run, arguments={"pause": 0.02}
        )
        for _n in range(200)
    ]
    env = subprocess_env(DATABASE_URL=_database_url(), **QUIET_MAIL)
    command = [sys.executable, "-m", "equalfooting.cli", "worker", "--batch", "--interval", "0"]
    workers = [
        subprocess.Popen(
            [*command, "--worker-id", f"pg-worker-{n}", "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in (1, 2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err.decode()
    ids = {str(job.pk) for job in jobs}
    finished = Job.objects.filter(pk__in=ids)
    assert {(j.status, j.tries) for j in finished} == {(Job.Status.SUCCESSFUL, 1)}
    ran = list(
        AuditEntry.objects.filter(action="tests.job.ran").values_list("object_id", flat=True)
    )
    assert sorted(ran) == sorted(ids)  # each job's work was written once, and only once
    started = AuditEntry.objects.filter(action="jobs.job.start").values_list("object_id", flat=True)
    assert sorted(started) == sorted(ids)
    rows = DBTaskResult.objects.all()
    assert len(rows) == 200 and {r.status for r in rows} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(r.worker_ids) == 1 for r in rows)
    # Both workers took part.
    assert {r.worker_ids[0] for r in rows} == {"pg-worker-1", "pg-worker-2"}


@pytest.mark.parametrize("value", ["0", "-5", "ten", "1.5", " "])
def test_a_bad_job_lease_stops_the_server_at_start_naming_the_setting(
    tmp_path: Path, value: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", "manage", "check"],
        cwd=ROOT,
        env=subprocess_env(EF_HOME=str(tmp_path), EF_JOB_LEASE=value),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "EF_JOB_LEASE must be a positive whole number" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_good_job_lease_is_taken(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.EF_JOB_LEASE)",
        ],
        cwd=ROOT,
        env=subprocess_env(
            EF_HOME=str(tmp_path),
            EF_JOB_LEASE="45",
            DJANGO_SETTINGS_MODULE="equalfooting.settings",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "45"


def test_the_embedded_database_lets_a_worker_write_beside_the_server(tmp_path: Path) -> None:
    """SQLite in WAL mode with a busy timeout: a worker's writes wait for the server's instead of
    failing with "database is locked"."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.db import connection\n"
            "with connection.cursor() as c:\n"
            "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
            "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])",
        ],
        cwd=ROOT,
        env=subprocess_env(EF_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="equalfooting.settings"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    mode, timeout_ms = done.stdout.split()
    assert mode == "wal" and int(timeout_ms) >= 5000
