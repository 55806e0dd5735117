"""Duplicates found, not hidden: a pair titled in Spanish and in English is proposed, a merge
is audited and undone exactly, and a pair kept apart is not proposed again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.domain import duplicates as rule
from equalfooting.programmes import duplicates, selectors
from equalfooting.programmes.models import Activity
from equalfooting.programmes.services import activity_curate
from tests import factories

pytestmark = pytest.mark.django_db
PAIR = {
    "providers": ["Centro Regional de Ciberseguridad"],
    "beneficiaries": ["GHA", "SEN"],
    "start": "2026-02-01",
    "end": "2026-05-31",
}


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def pair(provider_rep: Any, officer: Any) -> tuple[Activity, Activity]:
    english = factories.published_activity(
        provider_rep,
        officer,
        title="Incident response training for CSIRT analysts",
        title_language="en",
        funders=["Example Donor"],
        themes=["incident"],
        **PAIR,
    )
    spanish = factories.published_activity(
        provider_rep,
        officer,
        title="Formación en respuesta a incidentes para analistas de CSIRT",
        title_language="es",
        funders=[],
        themes=["incident", "skills"],
        **{**PAIR, "providers": ["centro regional de CIBERSEGURIDAD", "Otro Socio"]},
    )
    return english, spanish


def test_a_pair_titled_in_two_languages_is_proposed(pair: tuple[Activity, Activity]) -> None:
    english, spanish = pair
    [(candidate, first, second)] = duplicates.candidate_pairs()
    assert (first, second) == (english, spanish)
    assert candidate.title_similarity is None  # two languages: titles not compared
    assert candidate.names == ("centro regional de ciberseguridad",)
    assert candidate.reach == ("GHA", "SEN")


def record(key: int, title: str, **change: Any) -> rule.Record:
    fields: dict[str, Any] = {
        "key": key,
        "names": frozenset({"Agency"}),
        "reach": frozenset({"KEN"}),
        "themes": frozenset({"incident"}),
        "start": None,
        "end": None,
        "title": title,
        "language": "en",
        **change,
    }
    return rule.Record(**fields)


def test_the_rule_needs_a_name_a_beneficiary_dates_and_alike_titles_in_one_language() -> None:
    base = record(1, "National CSIRT training course")

    def found(other: rule.Record) -> bool:
        return bool(rule.candidates([base, other], set()))

    assert found(record(2, "Training course for the national CSIRT"))
    assert not found(record(2, "Cybercrime legislation workshop"))  # same language, unlike
    assert found(record(2, "Cours de formation", language="fr"))  # two languages
    assert not found(record(2, "National CSIRT training course", names=frozenset({"Other"})))
    assert not found(record(2, "National CSIRT training course", reach=frozenset({"GHA"})))
    assert not found(record(2, "National CSIRT training course", themes=frozenset({"legal"})))
    early = record(3, "National CSIRT training course", end=dt.date(2024, 1, 1))
    late = record(4, "National CSIRT training course", start=dt.date(2025, 1, 1))
    assert not rule.candidates([early, late], set())
    assert not rule.candidates([base, record(2, "National CSIRT training course")], {(1, 2)})


def test_a_merge_is_audited_and_undone_exactly(
    pair: tuple[Activity, Activity], officer: Any, focal_point_ken: Any
) -> None:
    english, spanish = pair
    before = duplicates._snapshot(english)
    merge = duplicates.activity_merge(actor=officer, kept=english, absorbed=spanish)
    kept = Activity.objects.get(pk=english.pk)
    assert kept.providers == ["Centro Regional de Ciberseguridad", "Otro Socio"]
    assert kept.funders == ["Example Donor"] and kept.themes == ["incident", "skills"]
    assert set(selectors.register_public()) == {kept}  # the absorbed one is not listed
    assert Activity.objects.get(pk=spanish.pk).merged_into == kept
    with pytest.raises(TransitionNotAllowed):  # an absorbed record is not curated on its own
        activity_curate(actor=officer, activity=spanish, target="under_curation")
    assert duplicates.candidate_pairs() == []
    for actor in (focal_point_ken, None):
        with pytest.raises(PermissionDenied):
            duplicates.merge_undo(actor=actor, merge=merge)
    duplicates.merge_undo(actor=officer, merge=merge)
    assert duplicates._snapshot(Activity.objects.get(pk=english.pk)) == before
    assert set(selectors.register_public()) == {english, spanish}
    actions = list(
        AuditEntry.objects.filter(object_type="activity")
        .order_by("seq")
        .values_list("action", "object_id")
    )[-4:]
    assert actions == [
        ("programmes.activity.merge", str(english.pk)),
        ("programmes.activity.merged_into", str(spanish.pk)),
        ("programmes.activity.merge_undone", str(english.pk)),
        ("programmes.activity.merge_undone", str(spanish.pk)),
    ]
    with pytest.raises(TransitionNotAllowed):
        duplicates.merge_undo(actor=officer, merge=merge)


def test_only_the_latest_merge_into_a_record_can_be_undone(
    pair: tuple[Activity, Activity], provider_rep: Any, officer: Any
) -> None:
    english, spanish = pair
    third = factories.published_activity(provider_rep, officer, title="Third", **PAIR)
    first_merge = duplicates.activity_merge(actor=officer, kept=english, absorbed=spanish)
    second_merge = duplicates.activity_merge(actor=officer, kept=english, absorbed=third)
    with pytest.raises(TransitionNotAllowed):
        duplicates.merge_undo(actor=officer, merge=first_merge)
    duplicates.merge_undo(actor=officer, merge=second_merge)
    duplicates.merge_undo(actor=officer, merge=first_merge)
    assert not Activity.objects.filter(merged_into__isnull=False).exists()


def test_the_curator_merges_and_keeps_apart_through_the_pages(
    pair: tuple[Activity, Activity], officer: Any, provider_rep: Any
) -> None:
    english, spanish = pair
    secretariat = Client()
    factories.login_with_2fa(secretariat, officer)
    page = secretariat.get("/en/register/duplicates/").content.decode()
    assert english.title in page and spanish.title in page
    proposer = Client()
    proposer.force_login(provider_rep)
    assert proposer.get("/en/register/duplicates/").status_code == 403
    assert secretariat.get("/ar/register/duplicates/").status_code == 200
    apart = secretariat.post(
        "/en/register/duplicates/keep-apart/", {"first": english.pk, "second": spanish.pk}
    )
    assert apart.status_code == 302
    assert duplicates.candidate_pairs() == []
    assert secretariat.post("/en/register/duplicates/merge/", {"kept": "x"}).status_code == 422
