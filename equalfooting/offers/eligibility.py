"""Non-discrimination: an offer's own words may not name a State or a group of States.

An offer made to the mechanism is open to every State. Its form has no field to exclude
anyone, and this check keeps the free-text fields from becoming one: eligibility may depend
only on objective criteria — theme, language, modality and dates.
"""

from __future__ import annotations

import re
from functools import cache

from equalfooting.core.i18n import fold

CJK = re.compile(r"[\u3400-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Arabic attaches some prepositions and conjunctions to the next word ("لفرنسا": for France).
ARABIC_PROCLITICS = "[\u0648\u0628\u0644\u0641\u0643]{0,2}"


@cache
def _patterns() -> tuple[re.Pattern[str], list[str], dict[str, str], dict[str, re.Pattern[str]]]:
    from equalfooting.registry.models import Organisation, State

    names: dict[str, str] = {}
    for state in State.objects.all():
        for name in [*state.short_name.values(), *state.formal_name.values()]:
            for form in _everyday_forms(name):
                names.setdefault(fold(form), state.short_name.get("en", state.iso3))
    for org in Organisation.objects.all():
        for name in org.names.values():
            names.setdefault(fold(name), org.names.get("en", org.code))
    # ISO codes are left out on purpose: "AND", "CAN" and "PER" are everyday words.
    worded = sorted((n for n in names if not CJK.search(n)), key=len, reverse=True)
    unspaced = [n for n in names if CJK.search(n)]
    # Whole words in scripts with spaces ("Oman" is not in "woman"); CJK has no spaces.
    alternatives = [_cyrillic(n) if CYRILLIC.search(n) else re.escape(n) for n in worded]
    pattern = re.compile(rf"(?<!\w){ARABIC_PROCLITICS}(" + "|".join(alternatives) + r")(?!\w)")
    cyrillic_names = {n: re.compile(_cyrillic(n)) for n in worded if CYRILLIC.search(n)}
    return pattern, unspaced, names, cyrillic_names


def _everyday_forms(name: str) -> list[str]:
    """The official name and the shorter forms people write: "Iran" for "Iran (Islamic
    Republic of)", "United States" for "United States of America"."""
    forms = [name]
    head = name.split("(")[0].strip()
    if head != name and len(head) >= 4:
        forms.append(head)
    before_of = name.split(" of ")[0]
    if before_of != name and len(before_of.split()) >= 2 and "Republic" not in before_of:
        forms.append(before_of)
    return forms


def _cyrillic(name: str) -> str:
    """Russian declines names ("Франция", "Франции"): match each word's stem and an ending."""
    words = []
    for word in re.escape(name).split(r"\ "):
        if len(word) > 5 and word[-2:] in ("ая", "ий", "ый", "ое", "ой", "яя"):
            stem = word[:-2]  # adjectives: Российская, Российской
        elif len(word) > 4 and word[-1] in "аяйьоеыи":
            stem = word[:-1]
        else:
            stem = word
        words.append(stem + r"\w{0,3}")
    return r"\s+".join(words)


def forget() -> None:
    """Reference data changed: rebuild the patterns on next use."""
    _patterns.cache_clear()


def named_parties(text: str) -> list[str]:
    """The States and organisations a text names, in English, in order of appearance."""
    pattern, unspaced, names, cyrillic_names = _patterns()
    folded = fold(text)
    hits = []
    for match in pattern.finditer(folded):
        found_text = match.group(1)
        if found_text not in names:  # a declined Russian form: find which name it is
            found_text = next(n for n, p in cyrillic_names.items() if p.fullmatch(found_text))
        hits.append((match.start(1), found_text))
    hits += [(folded.find(n), n) for n in unspaced if n in folded]
    found: list[str] = []
    for _position, name in sorted(hits):
        label = names[name]
        if label not in found:
            found.append(label)
    return found
