"""Two application servers and two workers on one PostgreSQL database, driven together.

A focal point signs in on one server and answers a hundred proposed matches, each answer sent
to both servers at once (two hundred requests in flight); the workers meanwhile run fifty jobs.
One consistent result must come out: each match answered once (one answer succeeds, the other
is refused), each job run once, the audit chain verifying, the page for the public the same
from either server and made afresh after the change (their cache is shared).
"""

from __future__ import annotations

import http.cookiejar
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from equalfooting import permissions
from equalfooting.audit.models import AuditEntry
from equalfooting.audit.selectors import audit_verify
from equalfooting.jobs import services as jobs
from equalfooting.jobs.models import Job
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from tests import factories
from tests.conftest import subprocess_env
from tests.jobs import handlers

ROOT = Path(__file__).resolve().parents[2]
MATCHES = 100
JOBS = 50
METRICS_TOKEN = "two-servers-metrics-token"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the answer itself (302 or 409) is what the test reads


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until(check: Any, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _sign_in(base: str, opener: urllib.request.OpenerDirector, jar: Any, username: str) -> str:
    """Sign in through the form, as a browser does; the CSRF token for the posts to come."""
    opener.open(f"{base}/en/account/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = {"username": username, "password": factories.PASSWORD, "csrfmiddlewaretoken": token}
    try:
        opener.open(f"{base}/en/account/login/", urllib.parse.urlencode(form).encode())
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.read()[:500]
    assert any(c.name == "sessionid" for c in jar), "the sign-in did not take"
    return next(c.value for c in jar if c.name == "csrftoken")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_servers_and_two_workers_give_one_consistent_result(
    on_postgres: bool,
    tmp_path: Path,
    focal_point_ken: Any,
    officer: Any,
    provider: Any,
    provider_rep: Any,
    settings: Any,
) -> None:
    if not on_postgres:
        pytest.skip("several servers share one PostgreSQL database")
    for _n in range(MATCHES):
        factories.assistance_request(
            focal_point_ken, officer=officer, status=AssistanceRequest.Status.OPEN, units=1
        )
    factories.published_offer(provider_rep, provider, capacity=MATCHES)
    factories.published_round(officer)
    matches = list(Match.objects.order_by("pk"))
    assert len(matches) == MATCHES
    assert {m.state_decision for m in matches} == {Match.StateDecision.PENDING}
    # From here jobs go to the database queue, for the workers to share.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = [
        jobs.job_enqueue(
            actor=permissions.SYSTEM_DEMO, work=handlers.note_run, arguments={"pause": 0.05}
        )
        for _n in range(JOBS)
    ]

    shared = {
        # One key for all (sessions and signed links made on one server are read on the other).
        "SECRET_KEY": "two-servers-" + "k" * 50,
        "DATABASE_URL": _database_url(),
        "CACHE_URL": "db://ef_cache",
        "EF_FILES_DIR": str(tmp_path / "shared-files"),
        "EF_METRICS_TOKEN": METRICS_TOKEN,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    (tmp_path / "shared-files").mkdir()
    # What an operator runs once per release: migrations, and with them the cache's table.
    subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", "manage", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=subprocess_env(EF_HOME=str(tmp_path / "setup"), **shared),
        check=True,
        capture_output=True,
        timeout=300,
    )
    processes = []
    bases = []
    try:
        for n in (1, 2):
            port = _free_port()
            bases.append(f"http://127.0.0.1:{port}")
            env = subprocess_env(EF_HOME=str(tmp_path / f"server-{n}"), **shared)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "equalfooting.cli", "serve", "--bind",
                     f"127.0.0.1:{port}", "--workers", "2"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "equalfooting.cli", "worker", "--interval", "0.2",
                     "--quiet", "--worker-id", f"worker-{n}",
                     *(["--no-scheduler"] if n == 2 else [])],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        for base in bases:
            _wait_until(lambda base=base: _answers(base), seconds=120, what=f"{base} to serve")

        round_page = f"/en/rounds/{matches[0].round_id}/"
        before = [urllib.request.urlopen(b + round_page).read() for b in bases]  # noqa: S310
        assert before[0] == before[1]

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        # Signed in on the first server; the session (in the database) serves on both.
        token = _sign_in(bases[0], opener, jar, focal_point_ken.username)

        def answer(target: tuple[str, int]) -> tuple[int, int]:
            base, match_id = target
            data = urllib.parse.urlencode({"decision": "accept", "csrfmiddlewaretoken": token})
            try:
                with opener.open(f"{base}/en/matches/{match_id}/state/", data.encode()) as reply:
                    return match_id, reply.status
            except urllib.error.HTTPError as exc:
                return match_id, exc.code

        targets = [(base, m.pk) for m in matches for base in bases]
        with ThreadPoolExecutor(max_workers=16) as pool:
            outcomes = list(pool.map(answer, targets))

        # Each match: one answer taken (302 back to its page), the other refused (409).
        by_match: dict[int, Counter[int]] = {}
        for match_id, status in outcomes:
            by_match.setdefault(match_id, Counter())[status] += 1
        assert all(counts == Counter({302: 1, 409: 1}) for counts in by_match.values()), by_match
        # Both servers took answers.
        served = Counter(base for (base, _m), (_i, s) in zip(targets, outcomes, strict=True)
                         if s == 302)  # fmt: skip
        assert set(served) == set(bases)

        _wait_until(
            lambda: (
                not Job.objects.filter(status__in=[Job.Status.READY, Job.Status.RUNNING]).exists()
            ),
            seconds=300,
            what="the workers to empty the queue",
        )

        after = [urllib.request.urlopen(b + round_page).read() for b in bases]  # noqa: S310
        assert after[0] == after[1] != before[0]  # made afresh once the data changed

        scrape = urllib.request.Request(  # noqa: S310 - the test's own server
            bases[1] + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        metrics = urllib.request.urlopen(scrape).read().decode()  # noqa: S310
        assert "ef_jobs_queued 0.0" in metrics
        assert 'view="matchmaking:match_state"' in metrics
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()

    assert {m.state_decision for m in Match.objects.all()} == {Match.StateDecision.ACCEPTED}
    answered = AuditEntry.objects.filter(action="matchmaking.match.state_accepted")
    assert sorted(answered.values_list("object_id", flat=True)) == sorted(
        str(m.pk) for m in matches
    )
    finished = Job.objects.filter(pk__in=[j.pk for j in queued])
    assert {(j.status, j.tries) for j in finished} == {(Job.Status.SUCCESSFUL, 1)}
    ran = AuditEntry.objects.filter(action="tests.job.ran").values_list("object_id", flat=True)
    assert sorted(ran) == sorted(str(j.pk) for j in queued)  # each job once, and only once
    # Every job any server queued ran, and none failed.
    assert not Job.objects.exclude(status=Job.Status.SUCCESSFUL).exists()
    assert {worker for j in finished for worker in [j.worker_id.split(":")[0]]} == {
        "worker-1",
        "worker-2",
    }
    assert audit_verify().ok
