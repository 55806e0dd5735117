"""How text is read for search (domain.search): folded, Arabic normalised and lightly
stemmed, Chinese read as character pairs."""

from __future__ import annotations

from equalfooting.domain import search


def test_case_and_accents_are_folded() -> None:
    assert search.terms("Développement ÉQUIPES Ёлка") == ["developpement", "equipes", "елка"]


def test_an_arabic_word_is_indexed_with_and_without_its_article_or_prefix() -> None:
    assert search.terms("الأمن") == ["الامن", "امن"]
    assert search.terms("والحوادث") == ["والحوادث", "حوادث"]
    # Short vowels, tatweel and the forms of ta marbuta and alef maqsura are written one way.
    assert search.terms("تَدْرِيبـيّة") == ["تدريبيه"]
    assert search.terms("مستوى") == ["مستوي"]
    # Too short to hold an article: left alone.
    assert search.terms("الم") == ["الم"]


def test_chinese_is_read_as_overlapping_pairs_and_a_phrase_keeps_them_in_order() -> None:
    assert search.terms("网络安全培训") == ["网络", "络安", "安全", "全培", "培训"]
    assert search.terms("网") == ["网"]
    assert search.query("网络安全") == [search.Term(("网络", "络安", "安全"))]
    # Ideographs next to Latin letters are read apart.
    assert search.terms("CERT培训") == ["cert", "培训"]


def test_a_query_asks_for_word_beginnings_from_three_letters() -> None:
    assert search.query("Formation de") == [
        search.Term(("formation",), prefix=True),
        search.Term(("de",), prefix=False),
    ]
    assert search.query("الحوادث") == [search.Term(("حوادث",), prefix=True)]
    assert search.query("«…» — !") == []
    assert search.query("cert cert CERT") == [search.Term(("cert",), prefix=True)]
