"""The glossary is data, the catalogues follow it, and the check catches a wrong term (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

from equalfooting import terminology
from equalfooting.terminology import (
    arabic_tatweel,
    check_messages,
    chinese_spacing,
    french_spacing,
    load_renderings,
    load_terms,
)


def test_every_term_has_a_rendering_in_every_language() -> None:
    assert terminology.missing_renderings(load_terms()) == []


@pytest.mark.parametrize("language", terminology.LANGUAGES)
def test_the_catalogue_follows_the_glossary(language: str) -> None:
    assert [str(finding) for finding in terminology.check_language(language)] == []


def test_a_deliberately_wrong_term_is_caught() -> None:
    terms = load_terms()
    renderings = load_renderings("zh_Hans", terms)
    wrong = [("Points of Contact directory", ("联系人名录",))]
    findings = check_messages("zh_Hans", wrong, terms, renderings)
    assert {finding.rule for finding in findings} >= {"point of contact"}
    right = [("Points of Contact directory", ("联络点名录",))]
    assert check_messages("zh_Hans", right, terms, renderings) == []


def test_a_term_is_not_seen_inside_a_placeholder_or_another_word() -> None:
    terms = load_terms()
    renderings = load_renderings("fr", terms)
    # "%(target)s" is a value, not the word "target"; "matching" is not "match".
    messages = [("A job that is %(source)s cannot become %(target)s.", ("Rien.",))]
    assert check_messages("fr", messages, terms, renderings) == []
    assert terms["match"].pattern().search("a matching round") is None
    assert terms["Member State"].pattern().search("member States of the Union") is None


def test_the_check_fails_on_a_wrong_term_in_a_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(terminology.LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    catalogue = locale / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(catalogue))
    entry = po.find("Points of Contact directory")
    assert entry is not None
    entry.msgstr = "联系人名录"
    po.save(str(catalogue))
    monkeypatch.setattr(terminology, "LOCALE_DIR", locale)

    assert terminology.main(["check", "--language", "zh_Hans"]) == 1
    assert "Points of Contact directory" in capsys.readouterr().out


def test_a_glossary_naming_an_unknown_term_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(terminology.LOCALE_DIR / "glossary", locale / "glossary")
    for language in terminology.LANGUAGES:
        (locale / language).mkdir()
        (locale / language / "glossary.csv").write_text(
            "term,preferred,accepted,avoid,gender,note,source\nfocal pont,x,x,,,,to verify\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(terminology, "LOCALE_DIR", locale)
    assert terminology.main(["check"]) == 2
    assert "row 2: unknown term 'focal pont'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rule", "wrong", "right"),
    [
        (french_spacing, "Statut : ouvert", "Statut\u00a0: ouvert"),
        (french_spacing, "Statut: ouvert", "Statut\u00a0: ouvert"),
        (french_spacing, "Vraiment ?", "Vraiment\u202f?"),
        (french_spacing, "« Titre »", "«\u00a0Titre\u00a0»"),
        (arabic_tatweel, "لـبناء القدرات", "لبناء القدرات"),
        (chinese_spacing, "第 56 段", "第56段"),
        (chinese_spacing, "为 %(name)s 提名", "为%(name)s提名"),
    ],
)
def test_the_typographic_rules(rule: object, wrong: str, right: str) -> None:
    assert list(rule(wrong))  # type: ignore[operator]
    assert list(rule(right)) == []  # type: ignore[operator]


def test_what_the_typographic_rules_leave_alone() -> None:
    assert list(french_spacing("Voir https://example.org?next=1 et 10:30")) == []
    assert list(arabic_tatweel("ترشيح جهة تنسيق لـ%(name)s")) == []


def test_the_table_sets_the_six_renderings_side_by_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert terminology.main(["table"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.startswith("term,context,ar,zh_Hans,fr,ru,es")
    assert len(rows) >= len(load_terms())
