"""Opening a round queues a job; a worker solves it outside any transaction and writes the round,
its matches and its audit entry in one transaction at the end, exactly once. Its page shows the
job's state (htmx polling, readable without script) until the round is there."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from equalfooting import permissions
from equalfooting.audit.models import AuditEntry
from equalfooting.domain import matching
from equalfooting.jobs import services as jobs
from equalfooting.jobs.models import Job
from equalfooting.matchmaking import services
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.services import request_transition
from equalfooting.offers.models import Provider
from equalfooting.registry.models import State
from tests import factories

pytestmark = pytest.mark.django_db
WORKER = permissions.SYSTEM_WORKER
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)", re.I)


@pytest.fixture
def market(
    focal_point_ken: Any, state_ken: State, officer: Any, provider: Provider, provider_rep: Any
) -> AssistanceRequest:
    """One open request of Kenya and one published offer that fits it."""
    request = factories.assistance_request(
        focal_point_ken, state_ken, officer=officer, status=AssistanceRequest.Status.OPEN
    )
    factories.published_offer(provider_rep, provider)
    return request


def round_entries() -> int:
    return AuditEntry.objects.filter(action="matchmaking.round.open").count()


def test_a_round_is_solved_once_after_its_worker_died(
    database_backend: None, market: AssistanceRequest, officer: Any
) -> None:
    job = services.round_open(actor=officer, fairness="max-min-state")
    # Opening only queues the job: nothing is solved in the request.
    assert job.status == Job.Status.READY and not Round.objects.exists()
    # A worker takes it and is killed mid-solve: it had written nothing.
    DBTaskResult.objects.get(id=job.task_id).claim("killed")
    assert jobs._claim(job_id=str(job.pk), dispatch=job.dispatch, worker_id="killed")
    assert not Round.objects.exists() and round_entries() == 0
    # Past the lease, the job is queued again, and the next try solves it.
    later = timezone.now() + timedelta(seconds=601)
    assert jobs.leases_expire(actor=WORKER, now=later) == 1
    job = jobs.job_run_now(job)
    assert (job.status, job.tries) == (Job.Status.SUCCESSFUL, 2)
    round_ = Round.objects.get()
    assert job.outcome["id"] == round_.pk and round_.opened_by == officer
    assert Match.objects.filter(round=round_).count() == len(round_.solution["assignments"]) > 0
    entry = AuditEntry.objects.get(action="matchmaking.round.open")
    assert entry.actor == "system:worker"
    assert entry.payload is not None and entry.payload["opened_for"] == f"user:{officer.pk}"
    # Had the first worker only been slow, its late result writes nothing.
    with pytest.raises(jobs.JobFinished):
        services.round_solve(actor=WORKER, job=job, fairness="max-min-state")
    assert Round.objects.count() == 1 and round_entries() == 1
    assert Match.objects.count() == len(round_.solution["assignments"])


def test_a_request_gone_before_the_solve_fails_the_job_and_writes_nothing(
    database_backend: None, market: AssistanceRequest, focal_point_ken: Any, officer: Any
) -> None:
    job = services.round_open(actor=officer, fairness="none")
    request_transition(
        actor=focal_point_ken,
        request=market,
        target=AssistanceRequest.Status.WITHDRAWN,
        reason="Met by other means.",
    )
    job = jobs.job_run_now(job)
    assert job.status == Job.Status.FAILED
    assert job.reason == "There must be at least one open request and one published offer."
    assert not Round.objects.exists() and round_entries() == 0


def test_a_request_withdrawn_during_the_solve_fails_the_job_and_writes_nothing(
    database_backend: None,
    market: AssistanceRequest,
    focal_point_ken: Any,
    officer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    solve = matching.solve

    def solve_while_the_state_withdraws(problem: Any) -> Any:
        request_transition(
            actor=focal_point_ken,
            request=market,
            target=AssistanceRequest.Status.WITHDRAWN,
            reason="Met by other means.",
        )
        return solve(problem)

    monkeypatch.setattr(matching, "solve", solve_while_the_state_withdraws)
    job = jobs.job_run_now(services.round_open(actor=officer, fairness="none"))
    assert job.status == Job.Status.FAILED and market.reference in job.reason
    assert not Round.objects.exists() and not Match.objects.exists() and round_entries() == 0


def test_the_job_page_follows_the_round_until_it_is_solved(
    database_backend: None, market: AssistanceRequest, client: Client, secretariat: Any
) -> None:
    factories.login_with_2fa(client, secretariat)
    response = client.post("/en/rounds/new/", {"fairness": "none"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/jobs/{job.pk}/"
    page = client.get(f"/en/jobs/{job.pk}/").content.decode()
    assert "Solving a matching round" in page and "Queued" in page
    assert f'hx-get="/en/jobs/{job.pk}/state/"' in page and 'hx-trigger="every 2s"' in page
    assert not INLINE_SCRIPT.search(page)
    # Without script, the page says what to do and links to itself.
    assert "waits for a worker" in page and f'href="/en/jobs/{job.pk}/"' in page
    listing = client.get("/en/rounds/").content.decode()
    assert "Rounds being solved" in listing and f"/en/jobs/{job.pk}/" in listing

    jobs.job_run_now(job)
    state = client.get(f"/en/jobs/{job.pk}/state/").content.decode()
    round_ = Round.objects.get()
    assert "Done" in state and f'href="/en/rounds/{round_.pk}/"' in state
    assert "hx-trigger" not in state  # polling stops once the job has ended
    assert "Rounds being solved" not in client.get("/en/rounds/").content.decode()
    assert client.get(f"/ar/jobs/{job.pk}/").status_code == 200


def test_a_job_page_is_for_whoever_asked_and_the_secretariat(
    database_backend: None,
    market: AssistanceRequest,
    officer: Any,
    focal_point_ken: Any,
    client: Client,
) -> None:
    job = services.round_open(actor=officer, fairness="none")
    assert client.get(f"/en/jobs/{job.pk}/").status_code == 403
    client.force_login(focal_point_ken)
    assert client.get(f"/en/jobs/{job.pk}/").status_code == 403
    assert client.get(f"/en/jobs/{job.pk}/state/").status_code == 403
    assert client.get("/en/jobs/").status_code == 403


def test_with_jobs_run_at_once_opening_a_round_leads_to_the_round(
    market: AssistanceRequest, client: Client, secretariat: Any
) -> None:
    factories.login_with_2fa(client, secretariat)
    response = client.post("/en/rounds/new/", {"fairness": "none"}, follow=True)
    round_ = Round.objects.get()
    assert response.redirect_chain[-1][0] == f"/en/rounds/{round_.pk}/"
    assert "The round was solved" in response.content.decode()


def test_the_secretariat_sees_failed_jobs_and_retries_from_the_list(
    database_backend: None,
    market: AssistanceRequest,
    focal_point_ken: Any,
    officer: Any,
    secretariat: Any,
    client: Client,
) -> None:
    job = services.round_open(actor=officer, fairness="none")
    request_transition(
        actor=focal_point_ken,
        request=market,
        target=AssistanceRequest.Status.WITHDRAWN,
        reason="Met by other means.",
    )
    jobs.job_run_now(job)
    factories.login_with_2fa(client, secretariat)
    listing = client.get("/en/jobs/").content.decode()
    assert "There must be at least one open request" in listing
    assert f'action="/en/jobs/{job.pk}/retry/"' in listing
    response = client.post(f"/en/jobs/{job.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == f"/en/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.READY and job.tries == 0
    # Retrying a job that is not failed is refused with the reason.
    refused = client.post(f"/en/jobs/{job.pk}/retry/")
    assert refused.status_code == 409
