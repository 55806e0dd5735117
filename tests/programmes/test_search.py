"""Search over the register, requests and offers: in Arabic, Chinese and French without
accents, on SQLite and PostgreSQL alike; only what everyone may see; facets; language versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from equalfooting.domain import search as analysis
from equalfooting.programmes import duplicates, search, services
from equalfooting.programmes.models import Activity, SearchDocument
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


def found(text: str, language: str = "en", **chosen: str) -> list[tuple[str, str]]:
    search.search_sync()
    result = search.search(text=text, chosen=chosen, language=language, limit=100)
    return [(d.kind, d.title) for d in result.items]


ARABIC = "برنامج تدريب فرق الاستجابة للحوادث الحاسوبية"
CHINESE = "国家网络安全应急响应能力建设培训"
FRENCH = "Renforcement des capacités de développement des équipes d'intervention"


@pytest.fixture
def three_languages(provider_rep: Any, officer: Any) -> list[Activity]:
    return [
        factories.published_activity(provider_rep, officer, title=ARABIC, title_language="ar"),
        factories.published_activity(provider_rep, officer, title=CHINESE, title_language="zh"),
        factories.published_activity(provider_rep, officer, title=FRENCH, title_language="fr"),
    ]


def test_an_arabic_word_finds_the_record_with_or_without_its_article(
    three_languages: list[Activity],
) -> None:
    assert found("الحوادث") == [("activity", ARABIC)]
    # Without the article, and with a conjunction written onto it: the same word.
    assert found("حوادث") == [("activity", ARABIC)]
    assert found("والحوادث") == [("activity", ARABIC)]
    # Short vowels typed or not.
    assert found("تَدْرِيب") == [("activity", ARABIC)]


def test_a_chinese_phrase_finds_the_record_and_its_characters_in_another_order_do_not(
    three_languages: list[Activity],
) -> None:
    assert found("网络安全") == [("activity", CHINESE)]
    assert found("应急响应能力") == [("activity", CHINESE)]
    assert found("安全网络") == []


def test_a_french_word_without_accents_or_capitals_finds_the_record(
    three_languages: list[Activity],
) -> None:
    assert found("developpement") == [("activity", FRENCH)]
    assert found("CAPACITES equipes") == [("activity", FRENCH)]
    # Every word must be found.
    assert found("capacites fromage") == []


def test_a_state_is_found_by_its_name_in_any_language(three_languages: list[Activity]) -> None:
    # The records are for Kenya and Ghana (factories.VALID_ACTIVITY).
    assert len(found("Кения")) == 3
    assert len(found("كينيا")) == 3


def test_only_what_everyone_may_see_is_found(
    provider_rep: Any, officer: Any, focal_point_ken: Any, provider: Any
) -> None:
    shown = factories.published_activity(provider_rep, officer, title="Forensics shown")
    services.activity_propose(
        actor=provider_rep, **{**factories.VALID_ACTIVITY, "title": "Forensics proposed"}
    )
    kept = factories.published_activity(provider_rep, officer, title="Forensics aggregate")
    services.activity_keep_to_aggregates(actor=focal_point_ken, activity=kept)
    factories.assistance_request(focal_point_ken, title="Forensics draft request")
    factories.assistance_request(
        focal_point_ken, status="submitted", title="Forensics submitted request"
    )
    factories.published_offer(provider_rep, provider, title="Forensics offer")
    assert sorted(found("forensics")) == [
        ("activity", shown.title),
        ("offer", "Forensics offer"),
        ("request", "Forensics submitted request"),
    ]


def test_a_record_leaving_the_public_leaves_the_index(
    provider_rep: Any, officer: Any, focal_point_ken: Any
) -> None:
    made = factories.published_activity(provider_rep, officer, title="Malware analysis")
    assert found("malware") == [("activity", "Malware analysis")]
    services.activity_keep_to_aggregates(actor=focal_point_ken, activity=made)
    assert found("malware") == []
    assert not SearchDocument.objects.filter(kind="activity", source_id=made.pk).exists()


def test_facets_count_and_narrow_the_results(
    provider_rep: Any, officer: Any, focal_point_ken: Any
) -> None:
    factories.published_activity(provider_rep, officer, title="Incident drill", themes=["incident"])
    factories.published_activity(
        provider_rep, officer, title="Incident law", themes=["legal"], modality="training"
    )
    factories.assistance_request(focal_point_ken, status="submitted", title="Incident desk")
    search.search_sync()
    result = search.search(text="incident", chosen={}, language="en")
    assert result.total == 3
    assert dict(result.facets["kind"]) == {"activity": 2, "request": 1}
    assert dict(result.facets["theme"])["legal"] == 1
    # Kenya is in sub-Saharan Africa (202), in Africa (002).
    assert dict(result.facets["region"])["202"] == 3
    narrowed = search.search(text="incident", chosen={"theme": "legal"}, language="en")
    assert [d.title for d in narrowed.items] == ["Incident law"]
    assert dict(narrowed.facets["modality"]) == {"training": 1}
    # Facets alone, without words, browse everything public.
    assert search.search(text="", chosen={"kind": "request"}, language="en").total == 1


def test_a_merged_duplicate_is_one_result_shown_in_the_readers_language(
    provider_rep: Any, officer: Any
) -> None:
    english = factories.published_activity(
        provider_rep, officer, title="Cyber diplomacy course", title_language="en"
    )
    spanish = factories.published_activity(
        provider_rep, officer, title="Curso de diplomacia cibernética", title_language="es"
    )
    merge = duplicates.activity_merge(actor=officer, kept=english, absorbed=spanish)
    # A word of the Spanish title finds the kept record, once, in the reader's language.
    assert found("cibernetica", language="en") == [("activity", "Cyber diplomacy course")]
    assert found("diplomacy", language="es") == [("activity", "Curso de diplomacia cibernética")]
    result = search.search(text="diplomacia", chosen={}, language="es")
    assert [d.item_id for d in result.items] == [english.pk]
    duplicates.merge_undo(actor=officer, merge=merge)
    # Apart again: each record is its own result.
    assert found("curso") == [("activity", "Curso de diplomacia cibernética")]
    assert found("course") == [("activity", "Cyber diplomacy course")]


def test_an_unchanged_index_reads_nothing_again(provider_rep: Any, officer: Any) -> None:
    factories.published_activity(provider_rep, officer)
    search.search_sync()
    assert search.search_sync()["activity"] == {"read": 0, "forgotten": 0}
    assert search.search_rebuild()["activity"]["read"] == 1


def test_a_query_of_punctuation_finds_nothing_and_a_long_one_is_cut(
    provider_rep: Any, officer: Any
) -> None:
    factories.published_activity(provider_rep, officer)
    assert found("«…»") == []
    assert len(analysis.query(" ".join(f"word{i}" for i in range(50)))) == analysis.MOST_TERMS


def test_the_search_page_in_english_and_arabic(
    client: Client, three_languages: list[Activity]
) -> None:
    search.search_sync()
    page = client.get("/en/search/", {"q": "developpement"}).content.decode()
    assert FRENCH.replace("'", "&#x27;") in page
    page = client.get("/ar/search/", {"q": "الحوادث"}).content.decode()
    assert ARABIC in page
    assert 'dir="rtl"' in page


def test_the_api_searches_with_facets(client: Client, three_languages: list[Activity]) -> None:
    search.search_sync()
    answer = client.get("/api/v1/search", {"q": "网络安全", "lang": "zh-hans"}).json()
    assert answer["total"] == 1
    assert answer["items"][0]["id"] == three_languages[1].pk
    assert {"value": "activity", "count": 1} in answer["facets"]["kind"]
    narrowed = client.get("/api/v1/search", {"theme": "incident", "kind": "request"}).json()
    assert narrowed["total"] == 0
    assert client.get("/api/v1/search", {"q": "x" * 201}).status_code == 422


def test_a_version_in_chinese_is_shown_to_a_reader_of_the_chinese_pages(
    provider_rep: Any, officer: Any
) -> None:
    english = factories.published_activity(
        provider_rep, officer, title="Incident response course", title_language="en"
    )
    chinese = factories.published_activity(
        provider_rep, officer, title="事件响应课程", title_language="zh"
    )
    duplicates.activity_merge(actor=officer, kept=english, absorbed=chinese)
    assert found("incident", language="zh-hans") == [("activity", "事件响应课程")]


def test_a_description_of_several_lines_is_indexed_and_summarised_on_one(
    provider_rep: Any, officer: Any
) -> None:
    factories.published_activity(
        provider_rep, officer, title="Forensics", description="First line.\n\nSecond\tline."
    )
    search.search_sync()
    result = search.search(text="second", chosen={}, language="en")
    assert [d.summary for d in result.items] == ["First line. Second line."]
