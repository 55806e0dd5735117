"""Prometheus metrics for the operator's monitoring, on a protected endpoint.

`GET /metrics` answers only a scraper that sends `Authorization: Bearer <EF_METRICS_TOKEN>`
(`permissions.metrics_scraper`); without a token set, the endpoint does not exist (404). It
tells how the installation runs, never anyone's data:

- `ef_http_request_duration_seconds` (histogram, by method, view and status): request latency,
  measured by `RequestMetricsMiddleware` around everything else;
- `ef_jobs` (by status: ready, running, successful, failed), `ef_jobs_queued` (the depth of the
  queue) and `ef_jobs_failed` (job failures): read from the database at each scrape, so every
  application server answers the same figures for the jobs all workers share.

Under `equalfooting serve` gunicorn runs several processes: each writes its measurements to
PROMETHEUS_MULTIPROC_DIR (which `serve` sets), and a scrape of any one reads them all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from equalfooting import permissions
from equalfooting.jobs.models import Job
from equalfooting.jobs.selectors import job_counts

REQUEST_SECONDS = Histogram(
    "ef_http_request_duration_seconds",
    "Time from a request's arrival to its response, by method, view and status.",
    ["method", "view", "status"],
    registry=None,  # registered in each scrape's registry (see `metrics`)
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class RequestMetricsMiddleware:
    """Times every request. First in the chain but for the request id, so that the time counts
    everything this server does; labelled by the URL pattern's name, never by the path (one
    series per view, not per State or record)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        began = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        REQUEST_SECONDS.labels(
            request.method if request.method in {"GET", "HEAD", "POST"} else "other",
            match.view_name if match else "unmatched",
            str(response.status_code),
        ).observe(time.perf_counter() - began)
        return response


class JobsCollector(Collector):
    """The jobs' figures, read from the database when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = job_counts()
        jobs = GaugeMetricFamily("ef_jobs", "Jobs by status.", labels=["status"])
        for status, n in sorted(counts.items()):
            jobs.add_metric([status], n)
        yield jobs
        yield GaugeMetricFamily(
            "ef_jobs_queued", "Jobs waiting for a worker.", value=counts[Job.Status.READY]
        )
        yield GaugeMetricFamily(
            "ef_jobs_failed",
            "Jobs that failed after their last try.",
            value=counts[Job.Status.FAILED],
        )


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.EF_METRICS_TOKEN:
        raise Http404  # not enabled here: nothing to say to whoever asks
    scraper = permissions.metrics_scraper(
        request.headers.get("Authorization", ""), settings.EF_METRICS_TOKEN
    )
    permissions.require(scraper, "metrics.read")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every gunicorn process's measurements
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(JobsCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
