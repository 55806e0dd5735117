"""Blind review: what a reviewer may see of a proposal, with every trace of the State removed."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from equalfooting.core.i18n import fold
from equalfooting.needs.labels import theme_label
from equalfooting.registry.names import CJK, pattern, reference_cache, state_name_forms

from .models import Proposal

CRITERIA = {
    "relevance": _("Relevance to the gaps the State identified"),
    "feasibility": _("Feasibility of the plan and the budget"),
    "sustainability": _("Sustainability of the results"),
    "value": _("Value for money"),
    "principles": _("Consistency with the capacity-building principles"),
}
MASK = "[…]"


@reference_cache
def _identifiers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    names: set[str] = set()
    codes: set[str] = set()
    for form, state in state_name_forms():
        names.add(form)
        codes.update({state.iso3, state.iso2})
    # A name counts from the start of a word and may run on ("Kenyan", "Iranian"), so that
    # adjectives are masked too; CJK has no word boundaries.
    alternatives = [
        pattern(n) if CJK.search(n) else r"(?<!\w)" + pattern(n) + r"\w*"
        for n in sorted(names, key=len, reverse=True)
    ]
    name_pattern = re.compile("|".join(alternatives))
    code_pattern = re.compile(r"\b(" + "|".join(sorted(codes, key=len, reverse=True)) + r")\b")
    return name_pattern, code_pattern


def anonymise(text: str) -> str:
    """Mask every State name (any language, case or accent, with its endings) and ISO code."""
    name_pattern, code_pattern = _identifiers()
    # Fold character by character, remembering where each folded character came from, so the
    # matches found in the folded text can be masked in the original.
    flat, origin = "", []
    for index, char in enumerate(text):
        piece = fold(char)
        flat += piece
        origin.extend([index] * len(piece))
    masked, last = [], 0
    for match in name_pattern.finditer(flat):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if start < last:
            continue
        masked.append(text[last:start])
        masked.append(MASK)
        last = end
    masked.append(text[last:])
    return code_pattern.sub(MASK, "".join(masked))


def blind(proposal: Proposal) -> dict[str, Any]:
    """The proposal as a reviewer sees it: a reference, a theme, an amount and anonymised text;
    never the State."""
    return {
        "reference": proposal.reference,
        "title": anonymise(proposal.title),
        "summary": anonymise(proposal.summary),
        "theme": theme_label(proposal.theme),
        "amount": proposal.amount,
        "basis": str(Proposal.Basis(proposal.basis).label),
    }
