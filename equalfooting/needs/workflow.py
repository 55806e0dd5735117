"""The request workflow: which status may follow which, and who may make each step."""

from __future__ import annotations

from dataclasses import dataclass

FOCAL_POINT, SECRETARIAT = "focal_point", "secretariat"


@dataclass(frozen=True)
class Step:
    role: str  # the only role allowed to make this step
    needs_reason: bool = False  # steps that end a request say why


TRANSITIONS: dict[tuple[str, str], Step] = {
    ("draft", "submitted"): Step(FOCAL_POINT),
    ("draft", "withdrawn"): Step(FOCAL_POINT, needs_reason=True),
    ("submitted", "screening"): Step(SECRETARIAT),
    ("submitted", "withdrawn"): Step(FOCAL_POINT, needs_reason=True),
    ("screening", "open"): Step(SECRETARIAT),
    ("screening", "closed_unmet"): Step(SECRETARIAT, needs_reason=True),
    ("screening", "withdrawn"): Step(FOCAL_POINT, needs_reason=True),
    ("open", "partly_matched"): Step(SECRETARIAT),
    ("open", "matched"): Step(SECRETARIAT),
    ("open", "closed_unmet"): Step(SECRETARIAT, needs_reason=True),
    ("open", "withdrawn"): Step(FOCAL_POINT, needs_reason=True),
    ("partly_matched", "matched"): Step(SECRETARIAT),
    ("partly_matched", "in_delivery"): Step(SECRETARIAT),
    ("partly_matched", "closed_unmet"): Step(SECRETARIAT, needs_reason=True),
    ("partly_matched", "withdrawn"): Step(FOCAL_POINT, needs_reason=True),
    ("matched", "in_delivery"): Step(SECRETARIAT),
    ("matched", "withdrawn"): Step(FOCAL_POINT, needs_reason=True),
    ("in_delivery", "completed"): Step(SECRETARIAT),
}
STATUSES = (
    "draft",
    "submitted",
    "screening",
    "open",
    "partly_matched",
    "matched",
    "in_delivery",
    "completed",
    "withdrawn",
    "closed_unmet",
)
TERMINAL = frozenset(s for s in STATUSES if not any(src == s for src, _ in TRANSITIONS))


def step(source: str, target: str) -> Step | None:
    return TRANSITIONS.get((source, target))


def next_steps(source: str) -> list[tuple[str, Step]]:
    return [(target, st) for (src, target), st in TRANSITIONS.items() if src == source]
