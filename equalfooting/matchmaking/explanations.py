"""Why each request of a round got what it got, worded in the reader's language.

The solver keeps its reasons as data (`domain.matching.reasons`: an outcome code and its
figures); this module words them with the catalogues, so a French reader reads French and the
theme's name rather than its code. Rounds solved before the reasons were kept have only the
English text: it is shown as it is, marked as English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from equalfooting.core.numbers import babel_locale, number
from equalfooting.needs.labels import theme_label


@dataclass(frozen=True)
class Explanation:
    text: str
    lang: str = ""  # "en" when only the English text of an older round is known
    full: bool = False


def listed(items: list[str]) -> str:
    """References joined as the language joins a list ("A, B and C", "A、B和C")."""
    return format_list(items, locale=babel_locale(get_language() or "en")) if items else ""


def worded(reason: Mapping[str, Any] | None, english: str = "") -> Explanation:
    if not reason:
        return Explanation(
            english, lang="en" if english else "", full=english.startswith("Matched in full")
        )
    outcome = reason["outcome"]
    excluded = list(reason.get("excluded") or [])
    note = (
        " "
        + ngettext(
            "Not proposed again with offer %(offers)s: it was declined or lapsed in an earlier "
            "round.",
            "Not proposed again with offers %(offers)s: they were declined or lapsed in an "
            "earlier round.",
            len(excluded),
        )
        % {"offers": listed(excluded)}
        if excluded
        else ""
    )
    if outcome == "only_declined":
        offers = list(reason["offers"])
        return Explanation(
            ngettext(
                "Not matched: its only compatible offer, %(offers)s, was declined or lapsed in "
                "an earlier round.",
                "Not matched: its only compatible offers, %(offers)s, were declined or lapsed "
                "in an earlier round.",
                len(offers),
            )
            % {"offers": listed(offers)}
        )
    if outcome == "incompatible":
        return Explanation(_incompatible(reason["why"]) + note)
    parts = listed(
        [
            _("%(units)s from offer %(offer)s") % {"units": number(p["units"]), "offer": p["offer"]}
            for p in reason["parts"]
        ]
    )
    if outcome == "full":
        units = reason["units"]
        text = ngettext(
            "Matched in full: %(units)s unit (%(parts)s).",
            "Matched in full: %(units)s units (%(parts)s).",
            units,
        ) % {"units": number(units), "parts": parts}
        return Explanation(text + note, full=True)
    of = reason["of"]
    head = (
        ngettext(
            "Matched in part: %(units)s of %(of)s unit (%(parts)s).",
            "Matched in part: %(units)s of %(of)s units (%(parts)s).",
            of,
        )
        % {"units": number(reason["units"]), "of": number(of), "parts": parts}
        if outcome == "part"
        else ngettext(
            "Not matched: none of its %(of)s unit.", "Not matched: none of its %(of)s units.", of
        )
        % {"of": number(of)}
    )
    return Explanation(head + " " + _why_not_more(reason) + note)


def _why_not_more(reason: Mapping[str, Any]) -> str:
    count = reason.get("compatible", 0)
    why = reason["why"]
    if why == "capacity_taken":
        return ngettext(
            "The capacity of its %(count)s compatible offer went to requests of higher weight.",
            "The capacity of its %(count)s compatible offers went to requests of higher weight.",
            count,
        ) % {"count": number(count)}
    if why == "capacity_taken_fair":
        return ngettext(
            "The capacity of its %(count)s compatible offer went to requests of higher weight "
            "or to meet the minimum share of each State.",
            "The capacity of its %(count)s compatible offers went to requests of higher weight "
            "or to meet the minimum share of each State.",
            count,
        ) % {"count": number(count)}
    if why == "zero_weight":
        return _("Its weight is zero.")
    return _("There was no better use of the remaining capacity.")


def _incompatible(why: Mapping[str, Any]) -> str:
    count = why.get("offers", 0)
    cause = why["cause"]
    if cause == "theme":
        return _("Not matched: no offer covers the theme “%(theme)s”.") % {
            "theme": theme_label(str(why.get("theme", "")))
        }
    if cause == "language":
        text = ngettext(
            "Not matched: %(count)s offer covers the theme, but in no language asked for.",
            "Not matched: %(count)s offers cover the theme, but in no language asked for.",
            count,
        )
    elif cause == "modality":
        text = ngettext(
            "Not matched: %(count)s offer covers the theme in a shared language, but in no "
            "modality asked for.",
            "Not matched: %(count)s offers cover the theme in a shared language, but in no "
            "modality asked for.",
            count,
        )
    else:
        text = ngettext(
            "Not matched: %(count)s offer fits the theme, language and modality, but none is "
            "available in the dates asked for.",
            "Not matched: %(count)s offers fit the theme, language and modality, but none is "
            "available in the dates asked for.",
            count,
        )
    return text % {"count": number(count)}


def explanations_of(solution: Mapping[str, Any]) -> dict[str, Explanation]:
    """Every request's explanation in a round's solution, by request reference."""
    reasons = solution.get("reasons") or {}
    return {
        ref: worded(reasons.get(ref), english)
        for ref, english in (solution.get("explanations") or {}).items()
    }
