"""A self-assessment's profile: the stage reached per dimension and the gaps to target.

Pure functions over the framework and the answers, so a State's chart can be recomputed
from the published framework by anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .framework import Framework


@dataclass(frozen=True)
class DimensionProfile:
    code: str
    stage: Decimal | None  # mean stage of the answered indicators, one decimal
    answered: int
    indicators: int
    target: int | None

    @property
    def gap(self) -> Decimal | None:
        if self.target is None or self.stage is None:
            return None
        return max(Decimal(self.target) - self.stage, Decimal(0))


def profile(
    framework: Framework, answers: dict[str, dict[str, object]], targets: dict[str, int]
) -> list[DimensionProfile]:
    result = []
    for dimension in framework.dimensions:
        stages = [
            int(answers[i.code]["stage"])  # type: ignore[call-overload]
            for i in dimension.indicators
            if i.code in answers and answers[i.code].get("stage")
        ]
        mean = (
            (Decimal(sum(stages)) / len(stages)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if stages
            else None
        )
        result.append(
            DimensionProfile(
                dimension.code,
                mean,
                len(stages),
                len(dimension.indicators),
                targets.get(dimension.code),
            )
        )
    return result


def indicator_gaps(
    framework: Framework, answers: dict[str, dict[str, object]], targets: dict[str, int]
) -> list[str]:
    """Indicators whose stage is below their dimension's target: what a request can address."""
    gaps = []
    for indicator in framework.indicators:
        target = targets.get(indicator.dimension)
        answer = answers.get(indicator.code, {})
        stage = answer.get("stage")
        if target and isinstance(stage, int) and stage < target:
            gaps.append(indicator.code)
    return gaps
