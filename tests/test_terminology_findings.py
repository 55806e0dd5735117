"""Each term a review of the Chinese, Arabic and Russian catalogues found wrong stays right.

Issue 16 listed what a United Nations reader noticed at once; these tests read the catalogues
themselves, so a later edit that brings a finding back fails here by name, beside the general
glossary check (tests/test_terminology.py).
"""

from __future__ import annotations

import re
from functools import cache

import polib  # type: ignore[import-untyped]
import pytest

from equalfooting.terminology import LOCALE_DIR

# Arabic short vowels, tanwin, shadda and sukun: "مرشَّحة" and "مرشحة" are one word.
ARABIC_MARKS = re.compile("[\u064b-\u0652]")
TATWEEL = "\u0640"


@cache
def catalogue(language: str) -> tuple[polib.POEntry, ...]:
    po = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    return tuple(entry for entry in po if not entry.obsolete)


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [text for _, text in sorted(entry.msgstr_plural.items())]
    return [entry.msgstr]


def english(entry: polib.POEntry) -> str:
    return f"{entry.msgid} {entry.msgid_plural or ''}"


def entries_saying(language: str, phrase: str) -> list[polib.POEntry]:
    found = [e for e in catalogue(language) if phrase.lower() in english(e).lower()]
    assert found, f"no {language} entry says {phrase!r}: the test would prove nothing"
    return found


def translation_of(language: str, msgid: str, context: str | None = None) -> str:
    for entry in catalogue(language):
        if entry.msgid == msgid and entry.msgctxt == context:
            return str(entry.msgstr)
    raise AssertionError(f"{language}: no entry {context!r} {msgid!r}")


def anywhere(language: str, text: str) -> list[str]:
    """Every entry whose translation contains text, by its English."""
    return [
        entry.msgid for entry in catalogue(language) if any(text in t for t in translations(entry))
    ]


# -- Chinese ------------------------------------------------------------------------------


def test_chinese_focal_point_is_xietiaoren_not_lianluodian() -> None:
    for entry in entries_saying("zh_Hans", "focal point"):
        for text in translations(entry):
            assert "协调人" in text, entry.msgid
            if "point of contact" not in english(entry).lower():
                assert "联络点" not in text, entry.msgid


def test_chinese_point_of_contact_is_lianluodian_not_lianxiren() -> None:
    for entry in entries_saying("zh_Hans", "point of contact"):
        for text in translations(entry):
            assert "联络点" in text, entry.msgid
    assert anywhere("zh_Hans", "联系人") == []


def test_chinese_directory_is_the_oewg_points_of_contact_directory() -> None:
    assert translation_of("zh_Hans", "Points of Contact directory") == "联络点名录"
    assert anywhere("zh_Hans", "联系人名录") == []


def test_chinese_commitment_to_a_project() -> None:
    assert translation_of("zh_Hans", "Commitment to a project") == "项目承付款"
    assert anywhere("zh_Hans", "承付给项目") == []


def test_chinese_never_suggests_naming_and_shaming() -> None:
    # 点名 ("to name and shame"), but not the 点名 inside 联络点名录 (the directory).
    naming = re.compile("(?<!联络)点名")
    assert [
        e.msgid for e in catalogue("zh_Hans") if any(naming.search(t) for t in translations(e))
    ] == []
    texts = [t for e in entries_saying("zh_Hans", "do not name") for t in translations(e)]
    assert all("列明" in text for text in texts)


def test_chinese_audit_head_has_one_name() -> None:
    assert anywhere("zh_Hans", "最新条目") == []
    for entry in entries_saying("zh_Hans", "audit head"):
        for text in translations(entry):
            assert "审计链头" in text, entry.msgid


# -- Arabic -------------------------------------------------------------------------------


def test_arabic_envelope_is_not_a_postal_envelope() -> None:
    assert anywhere("ar", "مظروف") == []
    assert anywhere("ar", "مظاريف") == []
    for entry in entries_saying("ar", "envelope"):
        for text in translations(entry):
            assert "مخصص" in ARABIC_MARKS.sub("", text), entry.msgid


def test_arabic_running_text_has_no_tatweel_between_letters() -> None:
    between_letters = re.compile(f"[\u0621-\u064a]{TATWEEL}+[\u0621-\u064a]")
    offending = [
        entry.msgid
        for entry in catalogue("ar")
        if any(between_letters.search(text) for text in translations(entry))
    ]
    assert offending == []


@pytest.mark.parametrize(("status", "feminine"), [("Nominated", "مرشحة"), ("Withdrawn", "مسحوبة")])
def test_arabic_point_of_contact_statuses_agree_with_a_feminine_noun(
    status: str, feminine: str
) -> None:
    # جهة الاتصال is feminine; a role (دور) is masculine, so the two contexts differ.
    text = ARABIC_MARKS.sub("", translation_of("ar", status, "point of contact status"))
    assert text == feminine


def test_arabic_role_and_point_of_contact_statuses_differ() -> None:
    role = ARABIC_MARKS.sub("", translation_of("ar", "Nominated", "role status"))
    contact = ARABIC_MARKS.sub("", translation_of("ar", "Nominated", "point of contact status"))
    assert role != contact


def test_arabic_calques_are_gone() -> None:
    assert anywhere("ar", "في طريقه إليه") == []
    assert anywhere("ar", "التزام لمشروع") == []


def test_arabic_mirror_is_not_the_word_for_matching() -> None:
    for entry in entries_saying("ar", "mirror"):
        for text in translations(entry):
            plain = ARABIC_MARKS.sub("", text)
            assert "مرآة" in plain, entry.msgid
            assert "مطابقة" not in plain and "المطابقة" not in plain, entry.msgid


# -- Russian ------------------------------------------------------------------------------


def test_russian_nationally_owned() -> None:
    text = translation_of("ru", "Demand-driven and nationally owned")
    assert "национальной ответственности" in text
    assert "национальной ответственностью" not in text
    assert anywhere("ru", "Определяемый спросом") == []


def test_russian_drafts_are_not_projects() -> None:
    for entry in entries_saying("ru", "draft"):
        for text in translations(entry):
            assert "Черновик" in text or "черновик" in text, entry.msgid


def test_russian_envelope_is_not_a_limit() -> None:
    assert anywhere("ru", "лимит") == []
    assert anywhere("ru", "Лимит") == []
    for entry in entries_saying("ru", "envelope"):
        for text in translations(entry):
            assert "пакет" in text.lower(), entry.msgid


@pytest.mark.parametrize(
    ("status", "masculine", "other"),
    [
        # a point of contact (контактный пункт, m) and a role (роль, f)
        ("Nominated", "point of contact status", "role status"),
        ("Verified", "point of contact status", "role status"),
        # a matching round (раунд, m) and an offer (предложение, n)
        ("Published", "matching round status", "offer status"),
        # a request (запрос, m) and an offer (n) / a proposal (n)
        ("Withdrawn", "request status", "offer status"),
        ("Submitted", "request status", "proposal status"),
    ],
)
def test_russian_status_words_agree_with_their_nouns(
    status: str, masculine: str, other: str
) -> None:
    assert translation_of("ru", status, masculine) != translation_of("ru", status, other)
    # A masculine short participle has no ending: Назначен, Опубликован, Отозван.
    assert translation_of("ru", status, masculine).endswith("н")
