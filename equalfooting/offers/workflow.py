"""The offer workflow: which status may follow which."""

from __future__ import annotations

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"published", "withdrawn"}),
    "published": frozenset({"fully_booked", "closed", "withdrawn"}),
    "fully_booked": frozenset({"published", "closed"}),
    "closed": frozenset(),
    "withdrawn": frozenset(),
}


def allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
