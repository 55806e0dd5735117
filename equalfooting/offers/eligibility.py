"""Non-discrimination: an offer's own words may not name a State or a group of States.

An offer made to the mechanism is open to every State. Its form has no field to exclude
anyone, and this check keeps the free-text fields from becoming one: eligibility may depend
only on objective criteria — theme, language, modality and dates.
"""

from __future__ import annotations

import re

from equalfooting.core.i18n import fold
from equalfooting.registry.models import Organisation
from equalfooting.registry.names import CJK, CYRILLIC, reference_cache, state_name_forms
from equalfooting.registry.names import pattern as name_pattern

# Arabic attaches some prepositions and conjunctions to the next word ("لفرنسا": for France).
ARABIC_PROCLITICS = "[\u0648\u0628\u0644\u0641\u0643]{0,2}"


@reference_cache
def _patterns() -> tuple[re.Pattern[str], list[str], dict[str, str], dict[str, re.Pattern[str]]]:
    names: dict[str, str] = {}
    for form, state in state_name_forms():
        names.setdefault(form, state.short_name.get("en", state.iso3))
    for org in Organisation.objects.all():
        for name in org.names.values():
            names.setdefault(fold(name), org.names.get("en", org.code))
    # ISO codes are left out on purpose: "AND", "CAN" and "PER" are everyday words.
    worded = sorted((n for n in names if not CJK.search(n)), key=len, reverse=True)
    unspaced = [n for n in names if CJK.search(n)]
    # Whole words in scripts with spaces ("Oman" is not in "woman"); CJK has no spaces.
    alternatives = [name_pattern(n) for n in worded]
    pattern = re.compile(rf"(?<!\w){ARABIC_PROCLITICS}(" + "|".join(alternatives) + r")(?!\w)")
    cyrillic_names = {n: re.compile(name_pattern(n)) for n in worded if CYRILLIC.search(n)}
    return pattern, unspaced, names, cyrillic_names


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
