"""The coverage matrix: it equals a direct count from the data, a State's row uses public data
only, and groups of at least three States count what is kept confidential."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from equalfooting import demo
from equalfooting.needs import framework as fw
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.programmes import coverage, services
from equalfooting.programmes.models import Activity
from equalfooting.registry.models import State
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


def direct_count(today: dt.date) -> dict[tuple[str, str], tuple[int, int, int]]:
    """Each State's (gaps, waiting requests, activities) per theme, counted plainly from the
    rows, without the matrix's code: what the matrix must equal."""
    framework = fw.load()
    themes = [d.code for d in framework.dimensions]
    since = today.replace(year=today.year - 3)
    counts: dict[tuple[str, str], list[int]] = {
        (s.iso3, t): [0, 0, 0] for s in State.objects.all() for t in themes
    }
    for state in State.objects.all():
        public = (
            Assessment.objects.filter(state=state, status="submitted", visibility="public")
            .order_by("-version")
            .first()
        )
        if public is not None:
            for indicator in fw.load(public.framework_version).indicators:
                target = public.targets.get(indicator.dimension)
                stage = public.answers.get(indicator.code, {}).get("stage")
                if target and isinstance(stage, int) and stage < target:
                    counts[(state.iso3, indicator.dimension)][0] += 1
    waiting = {"submitted", "screening", "returned", "open", "partly_matched"}
    for r in AssistanceRequest.objects.select_related("state"):
        if r.status in waiting and r.is_public:
            counts[(r.state.iso3, r.theme.split(":")[0])][1] += 1
    for a in Activity.objects.all():
        if a.curation != "published" or a.aggregate_only or a.phase == "cancelled":
            continue
        if (a.end and a.end < since) or (a.start and a.start > today):
            continue
        reached = {s.iso3 for s in a.beneficiaries.all()}
        for s in State.objects.select_related("region", "subregion"):
            if a.beneficiary_region_id in (s.region_id, s.subregion_id):
                reached.add(s.iso3)
            if a.beneficiary_group_id and s.groups.filter(pk=a.beneficiary_group_id).exists():
                reached.add(s.iso3)
        for iso3 in reached:
            for theme in a.themes:
                counts[(iso3, theme)][2] += 1
    return {key: (g, r, n) for key, (g, r, n) in counts.items()}


def matrix_counts(matrix: coverage.Matrix) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (key, theme): (cell.gaps, cell.requests, cell.activities)
        for key, _state, cells in matrix.rows
        for theme, cell in cells.items()
    }


def test_the_matrix_equals_a_direct_count_from_the_demo(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        demo.build(password=PASSWORD)
    computed = matrix_counts(coverage.state_matrix(TODAY))
    assert computed == direct_count(TODAY)
    # The demo gives the matrix something to show in every column of counts.
    assert all(sum(v[k] for v in computed.values()) > 0 for k in range(3))
    statuses = Counter(
        cell.status
        for _k, _s, cells in coverage.state_matrix(TODAY).rows
        for cell in cells.values()
    )
    assert statuses["unmet"] and statuses["served"]
    # One State's row, read alone for its page, is the same row.
    kenya = State.objects.get(iso3="KEN")
    assert coverage.state_row(kenya, TODAY) == dict(
        next(cells for key, _s, cells in coverage.state_matrix(TODAY).rows if key == "KEN")
    )


def test_no_states_cell_changes_with_its_confidential_assessments(focal_point_ken: Any) -> None:
    targets = {d.code: 4 for d in fw.load().dimensions}
    factories.submitted_assessment(
        focal_point_ken, "KEN", visibility="public", stage=1, targets=targets
    )
    before_states = matrix_counts(coverage.state_matrix(TODAY))
    before_groups = matrix_counts(coverage.group_matrix(TODAY))
    assert before_states[("KEN", "incident")][0] > 0  # the public one's gaps count
    # A later, confidential assessment with other answers: Kenya's row does not move ...
    factories.submitted_assessment(focal_point_ken, "KEN", stage=4, targets=targets)
    assert Assessment.objects.filter(state__iso3="KEN", status="submitted").count() == 2
    assert matrix_counts(coverage.state_matrix(TODAY)) == before_states
    # ... while Africa's row, a group of many States, counts it.
    after_groups = matrix_counts(coverage.group_matrix(TODAY))
    africa = ("region:002", "incident")
    assert after_groups[africa][0] < before_groups[africa][0]


def test_a_record_kept_to_aggregates_counts_only_in_groups(
    provider_rep: Any, officer: Any, focal_point_ken: Any
) -> None:
    record = factories.published_activity(
        provider_rep, officer, beneficiaries=["KEN"], start="2026-01-01", end="2026-06-30"
    )
    assert matrix_counts(coverage.state_matrix(TODAY))[("KEN", "incident")][2] == 1
    services.activity_keep_to_aggregates(actor=focal_point_ken, activity=record)
    assert matrix_counts(coverage.state_matrix(TODAY))[("KEN", "incident")][2] == 0
    assert matrix_counts(coverage.group_matrix(TODAY))[("region:002", "incident")][2] == 1


def test_the_window_and_regional_programmes(provider_rep: Any, officer: Any) -> None:
    factories.published_activity(
        provider_rep,
        officer,
        beneficiaries=[],
        beneficiary_region="202",  # Sub-Saharan Africa: Kenya among them
        start="2022-01-01",
        end="2024-01-01",
    )
    factories.published_activity(
        provider_rep, officer, beneficiaries=["KEN"], start="2020-01-01", end="2023-12-06"
    )  # ended before the window opened
    counts = matrix_counts(coverage.state_matrix(TODAY))
    assert counts[("KEN", "incident")][2] == 1
    assert counts[("ETH", "incident")][2] == 1
    assert counts[("EGY", "incident")][2] == 0  # Northern Africa


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_matrix_page_and_a_states_row(
    client: Client, provider_rep: Any, officer: Any, lang: str
) -> None:
    factories.published_activity(provider_rep, officer, beneficiaries=["KEN"])
    page = client.get(f"/{lang}/register/coverage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<tr>") > State.objects.count()  # every State, and the groups
    state_page = client.get(f"/{lang}/states/KEN/").content.decode()
    assert 'id="coverage-heading"' in state_page
    data = factories.open_data(client, "/en/open-data/coverage.csv")
    assert data.status_code == 200


def test_the_map_of_unmet_need_shows_need_without_activity(
    client: Client, focal_point_ken: Any, provider_rep: Any, officer: Any
) -> None:
    targets = {d.code: 4 for d in fw.load().dimensions}
    factories.submitted_assessment(
        focal_point_ken, "KEN", visibility="public", stage=1, targets=targets
    )
    values = {v["iso3"]: v["value"] for v in coverage.unmet_map_values("incident", TODAY)}
    assert values["KEN"] > 0 and values["GHA"] == 0
    factories.published_activity(provider_rep, officer, beneficiaries=["KEN"])
    values = {v["iso3"]: v["value"] for v in coverage.unmet_map_values("incident", TODAY)}
    assert values["KEN"] == 0  # activity now reaches the need
    page = client.get("/ar/figures/map/", {"metric": "unmet", "theme": "incident"})
    assert page.status_code == 200 and "<svg" in page.content.decode()
