from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from equalfooting.needs.services import assessment_set_visibility
from equalfooting.registry.models import Organisation, State
from equalfooting.registry.selectors import uncovered_states
from tests import factories

pytestmark = pytest.mark.django_db


def iso3s(response: Any) -> set[str]:
    return {s.iso3 for s in response.context["states"]}


def test_the_states_page_lists_all_195(client: Client) -> None:
    response = client.get("/en/states/")
    assert response.status_code == 200
    assert len(response.context["states"]) == 195
    assert "Iran (Islamic Republic of)" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kenya", "KEN"),
        ("كينيا", "KEN"),
        ("肯尼亚", "KEN"),
        ("Кения", "KEN"),
        ("Alemania", "DEU"),
        ("cote d'ivoire", "CIV"),
        ("TÜRKIYE", "TUR"),
        ("république islamique", "IRN"),
        ("ken", "KEN"),
    ],
)
def test_search_finds_a_state_by_name_in_any_language(
    client: Client, query: str, expected: str
) -> None:
    response = client.get("/en/states/", {"q": query})
    assert expected in iso3s(response)


def test_filter_by_region_and_group(client: Client) -> None:
    africa = iso3s(client.get("/en/states/", {"region": "002"}))
    assert "KEN" in africa and "FRA" not in africa
    assert africa == set(State.objects.filter(region_id="002").values_list("iso3", flat=True))
    sids = iso3s(client.get("/en/states/", {"group": "SIDS"}))
    assert "FJI" in sids and "KEN" not in sids
    both = iso3s(client.get("/en/states/", {"region": "002", "group": "LDC"}))
    assert both == africa & iso3s(client.get("/en/states/", {"group": "LDC"}))


def test_an_unknown_filter_value_is_reported_not_ignored(client: Client) -> None:
    response = client.get("/en/states/", {"region": "999"})
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert len(response.context["states"]) == 195


def test_state_profile_shows_names_groups_and_organisations(client: Client) -> None:
    response = client.get("/fr/states/KEN/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "la République du Kenya" in body
    assert "Union africaine" in body


def test_an_unknown_iso_code_is_a_404_that_says_so(client: Client) -> None:
    response = client.get("/en/states/XYZ/")
    assert response.status_code == 404
    assert "No State has the ISO 3166 alpha-3 code “XYZ”." in response.content.decode()


def test_the_coverage_page_lists_exactly_the_states_no_programme_reaches(client: Client) -> None:
    response = client.get("/en/coverage/")
    listed = {s.iso3 for s in response.context["uncovered"]}
    expected = {
        s.iso3
        for s in State.objects.all()
        if not s.organisations.filter(ict_programme=True).exists()
    }
    assert listed == expected == set(uncovered_states().values_list("iso3", flat=True))
    assert 0 < len(listed) < 195


def test_organisation_pages(client: Client) -> None:
    response = client.get("/en/organisations/")
    assert response.status_code == 200
    assert len(response.context["organisations"]) == Organisation.objects.count()
    detail = client.get("/es/organisations/EU/")
    assert detail.status_code == 200
    assert len(detail.context["members"]) == 27
    assert client.get("/en/organisations/NOPE/").status_code == 404


def test_the_sources_page_shows_every_file_with_its_date(client: Client) -> None:
    body = client.get("/en/sources/").content.decode()
    for name in ("states.csv", "ldc.csv", "organisations.csv", "income_groups.csv"):
        assert name in body


def test_the_state_page_gathers_its_public_record(
    client: Client, focal_point_ken: Any, state_ken: State
) -> None:
    assessment = factories.submitted_assessment(focal_point_ken, state_ken, stage=3)
    assert "<svg" not in client.get("/en/states/KEN/").content.decode()  # private: no chart
    assessment_set_visibility(actor=focal_point_ken, assessment=assessment, visibility="public")
    body = client.get("/es/states/KEN/").content.decode()
    assert "<svg" in body and f"/es/assessments/{assessment.pk}/" in body


@pytest.mark.django_db
def test_a_states_page_lists_its_latest_projects_and_says_where_the_rest_are(
    client: Client, settings: Any
) -> None:
    from equalfooting.fund.models import Project

    # Projects made here directly, not by the audited services that refresh the page cache.
    settings.EF_PAGE_CACHE_SECONDS = 0
    from equalfooting.transparency.state_record import SHOWN

    kenya = State.objects.get(iso3="KEN")
    made = [Project.objects.create(state=kenya, title=f"Project {n}") for n in range(SHOWN)]
    page = client.get("/en/states/KEN/").content.decode()
    assert all(p.reference in page for p in made)
    assert "every project is in the" not in page
    newest = Project.objects.create(state=kenya, title="The newest")
    page = client.get("/en/states/KEN/").content.decode()
    assert newest.reference in page and made[0].reference not in page  # the oldest gives way
    assert sum(p.reference in page for p in made) == SHOWN - 1
    assert "every project is in the" in page and 'href="/en/open-data/"' in page
