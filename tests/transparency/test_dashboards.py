from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from equalfooting.needs.models import AssistanceRequest
from equalfooting.transparency import statistics
from tests import factories

pytestmark = pytest.mark.django_db

OPEN = AssistanceRequest.Status.OPEN


def test_the_overview_counts_and_charts(
    client: Client, focal_point_ken: Any, state_ken: Any, officer: Any
) -> None:
    factories.assistance_request(focal_point_ken, state_ken, officer=officer, status=OPEN)
    page = client.get("/en/figures/")
    assert page.status_code == 200
    assert page.context["figures"]["requests"] == 1
    assert page.context["figures"]["states_participating"] == 1
    body = page.content.decode()
    assert "<svg" in body and "Incident response" in body  # the chart and its table
    months = page.context["months"]
    assert sum(m["requests"] for m in months) == 1 and body.count('class="chart-svg"') == 2


def test_fairness_statistics_by_group(
    client: Client,
    focal_point_ken: Any,
    focal_point_fra: Any,
    state_ken: Any,
    state_fra: Any,
    officer: Any,
    provider: Any,
    provider_rep: Any,
) -> None:
    from equalfooting.matchmaking import services
    from equalfooting.matchmaking.models import Match

    ken = factories.assistance_request(
        focal_point_ken, state_ken, officer=officer, status=OPEN, units=10
    )
    factories.assistance_request(focal_point_fra, state_fra, officer=officer, status=OPEN, units=10)
    factories.published_offer(provider_rep, provider, capacity=5)
    round_ = factories.opened_round(officer, fairness="none")
    services.round_publish(actor=officer, round_=round_)
    match = Match.objects.get(request=ken)
    services.match_state_decide(actor=focal_point_ken, match=match, accept=True)
    services.match_provider_decide(actor=provider_rep, match=match, confirm=True)
    data = statistics.fairness()
    regions = {row["label"]: row for row in data["region"]}
    assert regions["Africa"]["requests"] == 1 and regions["Africa"]["matched"] == 1
    assert regions["Africa"]["share"] == match.units / 10
    assert regions["Europe"]["share"] == 0 and regions["Europe"]["median_days"] is None
    assert regions["Africa"]["median_days"] is not None
    page = client.get("/fr/figures/fairness/")
    assert page.status_code == 200 and page.content.decode().count("<svg") == 4


@pytest.mark.parametrize("metric", ["coverage", "requests", "allocations"])
def test_the_world_map_draws_from_shipped_geometry(client: Client, metric: str) -> None:
    page = client.get("/ar/figures/map/", {"metric": metric})
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and 'dir="rtl"' in body
    assert "http://" not in body.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    assert len(page.context["rows"]) == 195


def test_the_coverage_map_counts_programmes_per_state() -> None:
    values = {v["iso3"]: v["value"] for v in statistics.map_values("coverage")}
    from equalfooting.registry.models import State

    for iso3 in ("KEN", "FRA", "NPL"):
        state = State.objects.get(iso3=iso3)
        assert values[iso3] == state.organisations.filter(ict_programme=True).count()
