"""The capacity-building principles of the OEWG 2021 report (A/75/816, para. 56).

Each request (and later each offer and project) carries a short self-assessment against
them: whether the record holds to each principle, and an optional note.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from equalfooting.core.errors import InvalidInput

PRINCIPLES = {
    "sustainable": _("Sustainable and results-focused"),
    "evidence_based": _(
        "Evidence-based, politically neutral, transparent and accountable, without conditions"
    ),
    "sovereignty": _("Respects the sovereignty of States"),
    "demand_driven": _("Demand-driven and nationally owned"),
    "confidentiality": _("Respects the confidentiality of national policies and plans"),
    "human_rights": _("Respects human rights and fundamental freedoms"),
    "gender": _("Gender-sensitive and inclusive"),
    "universal": _("Universal and non-discriminatory"),
}
CODES = tuple(PRINCIPLES)


def clean(values: dict[str, object]) -> dict[str, bool]:
    """Only the known principles, as booleans; an unknown key is refused on `principles`."""
    unknown = set(values) - set(PRINCIPLES)
    if unknown:
        raise InvalidInput({"principles": f"unknown principles: {', '.join(sorted(unknown))}"})
    return {code: bool(values.get(code, False)) for code in CODES}
