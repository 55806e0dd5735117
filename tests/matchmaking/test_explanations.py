"""A round's explanations are kept as reasons (codes and figures) and worded in the reader's
language; the English text stays in the solution file for the command line."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from equalfooting.domain import matching
from equalfooting.matchmaking.explanations import worded
from equalfooting.matchmaking.models import Match

pytestmark = pytest.mark.django_db

PART = {
    "outcome": "part",
    "units": 3,
    "of": 10,
    "parts": [{"units": 3, "offer": "OFF-00002"}],
    "why": "capacity_taken_fair",
    "compatible": 2,
    "excluded": ["OFF-00007"],
}


def test_the_english_wording_is_the_solution_files_own() -> None:
    assert matching.english(PART) == (
        "Matched in part: 3 of 10 units (3 from offer OFF-00002); the capacity of its 2 "
        "compatible offer(s) went to requests of higher weight or to meet the minimum share of "
        "each State. Not proposed with offer(s) OFF-00007: declined or lapsed in an earlier round."
    )


def test_a_reason_is_worded_in_each_language_without_codes() -> None:
    with translation.override("fr"):
        french = worded(PART).text
    assert french.startswith("Partiellement apparié")
    assert "3 sur 10 unités" in french and "OFF-00002" in french and "OFF-00007" in french
    with translation.override("ru"):
        russian = worded(PART).text
    assert "OFF-00002" in russian and "Matched" not in russian
    with translation.override("fr"):
        theme = worded(
            {"outcome": "incompatible", "why": {"cause": "theme", "theme": "legal:amount"}}
        ).text
    assert "legal" not in theme  # the theme's name in French, not its code
    assert theme.startswith("Non apparié")


def test_an_older_round_without_reasons_shows_its_english_text_marked_as_english() -> None:
    shown = worded(None, "Matched in full: 2 of 2 units (2 from offer OFF-00001).")
    assert shown.lang == "en" and shown.full


def test_the_rounds_page_words_explanations_and_fairness_in_the_readers_language(
    client: Client, match_proposed: Match
) -> None:
    round_ = match_proposed.round
    assert round_.solution["reasons"][match_proposed.request.reference]["outcome"] == "full"
    english = client.get(f"/en/rounds/{round_.pk}/").content.decode()
    assert "Matched in full" in english
    french = client.get(f"/fr/rounds/{round_.pk}/").content.decode()
    assert "Apparié intégralement" in french
    assert "Matched in full" not in french and "max-min-state" not in french
    assert 'lang="en"' not in french.split("<main", 1)[1]


def test_the_api_words_the_explanation_in_the_accept_language(
    client: Client, match_proposed: Any
) -> None:
    rows = client.get("/api/v1/rounds", headers={"accept-language": "fr"}).json()
    assert rows[0]["matches"][0]["explanation"].startswith("Apparié intégralement")
