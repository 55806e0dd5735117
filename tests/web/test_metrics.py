"""Prometheus metrics: only for the scraper with the token, and true to the jobs' figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from equalfooting.jobs.models import Job

TOKEN = "scrape-me-0123456789"


@pytest.mark.django_db
def test_without_a_token_set_there_is_no_endpoint(client: Client, settings: Any) -> None:
    settings.EF_METRICS_TOKEN = ""
    answered = client.get("/metrics", headers={"Authorization": "Bearer "})
    assert answered.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_only_the_scraper_with_the_token_reads_them(
    client: Client, settings: Any, authorization: str | None
) -> None:
    settings.EF_METRICS_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get("/metrics", headers=headers).status_code == 403


@pytest.mark.django_db
def test_request_latency_and_the_jobs_figures(client: Client, settings: Any) -> None:
    settings.EF_METRICS_TOKEN = TOKEN
    client.get("/en/states/")
    queued = Job.objects.filter(status=Job.Status.READY).count()
    failed = Job.objects.filter(status=Job.Status.FAILED).count()
    answered = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answered.status_code == 200
    assert answered["Content-Type"].startswith("text/plain")
    assert "no-cache" in answered["Cache-Control"]
    lines = answered.content.decode().splitlines()
    assert any(
        line.startswith("ef_http_request_duration_seconds_count{")
        and 'view="registry:state_list"' in line
        and 'status="200"' in line
        for line in lines
    ), lines
    assert f"ef_jobs_queued {float(queued)}" in lines
    assert f"ef_jobs_failed {float(failed)}" in lines
    assert f'ef_jobs{{status="failed"}} {float(failed)}' in lines
