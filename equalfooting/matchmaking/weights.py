"""How much a unit of help for a request counts in a round. Published with every round.

    weight = urgency factor × (1 + 0.5 if LDC) × (1 + 0.25 if LLDC or SIDS) × (1 + gap share)

The gap share (0 to 1) comes only from the State's latest *public* self-assessment: the mean
gap to its targets divided by 4, the largest gap possible. A private or providers-only
assessment never enters a published round.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

URGENCY = {"low": 1.0, "medium": 2.0, "high": 3.0, "critical": 4.0}
LDC_FACTOR = 0.5
LLDC_SIDS_FACTOR = 0.25
MAX_GAP = 4  # targets and stages run from 1 to 5


def gap_share(gaps: Iterable[Decimal | None]) -> float:
    values = [float(g) for g in gaps if g is not None]
    return round(sum(values) / len(values) / MAX_GAP, 4) if values else 0.0


def weight(*, urgency: str, groups: Iterable[str], gap: float) -> float:
    groups = set(groups)
    value = URGENCY[urgency]
    value *= 1 + (LDC_FACTOR if "LDC" in groups else 0)
    value *= 1 + (LLDC_SIDS_FACTOR if groups & {"LLDC", "SIDS"} else 0)
    value *= 1 + gap
    return round(value, 6)


PARAMETERS = {
    "formula": "urgency × (1 + 0.5·LDC) × (1 + 0.25·(LLDC or SIDS)) × (1 + gap share)",
    "urgency": URGENCY,
    "ldc_factor": LDC_FACTOR,
    "lldc_sids_factor": LLDC_SIDS_FACTOR,
    "gap_share": "mean gap to target of the State's latest public self-assessment, divided by 4",
}
