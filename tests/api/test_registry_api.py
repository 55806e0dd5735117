from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LANGS = {"ar", "zh-hans", "en", "fr", "ru", "es"}


def test_states_lists_193_members_and_2_observers_with_six_language_names(client: Client) -> None:
    body = client.get("/api/v1/states").json()
    assert body["count"] == 195 and len(body["results"]) == 195
    statuses = [s["status"] for s in body["results"]]
    assert statuses.count("member") == 193 and statuses.count("observer") == 2
    for state in body["results"]:
        assert set(state["short_name"]) == set(state["formal_name"]) == LANGS
        assert (
            state["iso2"]
            and state["iso3"]
            and state["m49"]
            and state["region"]
            and state["subregion"]
        )


def test_states_can_be_paged(client: Client) -> None:
    first = client.get("/api/v1/states", {"limit": 50, "offset": 0}).json()
    last = client.get("/api/v1/states", {"limit": 50, "offset": 150}).json()
    assert first["count"] == 195 and len(first["results"]) == 50 and len(last["results"]) == 45
    assert {s["iso3"] for s in first["results"]}.isdisjoint({s["iso3"] for s in last["results"]})


def test_bad_paging_is_refused(client: Client) -> None:
    response = client.get("/api/v1/states", {"limit": 0})
    assert response.status_code == 422


def test_one_state(client: Client) -> None:
    body = client.get("/api/v1/states/ken").json()
    assert body["iso3"] == "KEN" and body["iso2"] == "KE" and body["m49"] == "404"
    assert "AU" in body["organisations"]
    assert body["short_name"]["zh-hans"] and body["short_name"]["ar"]


def test_an_unknown_state_is_a_404_naming_the_code(client: Client) -> None:
    response = client.get("/api/v1/states/XYZ")
    assert response.status_code == 404
    assert "XYZ" in response.json()["detail"]


def test_organisations_list_member_codes(client: Client) -> None:
    body = client.get("/api/v1/organisations").json()
    eu = next(o for o in body if o["code"] == "EU")
    assert len(eu["members"]) == 27 and "FRA" in eu["members"]
    assert set(eu["name"]) == LANGS


def test_the_openapi_description_is_served(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/states" in spec["paths"]
    assert "/api/v1/states/{iso3}/profile" in spec["paths"]
