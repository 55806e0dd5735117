"""Who is sponsored to attend a meeting: the published rule, defined exactly so that anyone
can re-run it from the published file (`equalfooting sponsorship select`).

The file names no one: States and delegates are opaque keys drawn at random when the call
closes. For each delegate it gives the State's key, whether the State is a least developed,
landlocked developing or small island developing State (the priority tier), the State's need
score (the fund's: 0 to 1, higher is more need), the place the State gave the delegate among
its own (its rank), the delegate's gender as stated, and the cost of their place.

The rule:

1. States are ordered: the priority tier first, then the others; within each tier by need
   score, highest first; ties by the State's key.
2. First places: going down that order, each State's first delegate (its lowest rank; ties by
   the delegate's key) gets a place, while the budget left pays for it. The first delegate
   the budget cannot pay ends the selection: places follow the order, never the cheapness.
3. Second places, only once every State has had its first: in the same order, each State's
   second place goes to its best-ranked remaining delegate of another gender than its first
   delegate's, where one applied with a gender stated; otherwise to its next-ranked delegate.
   The budget ends this pass as it ends the first.
4. No State has more than two places.

Only keys and values decide, never the order of the file: a permutation of the applicants
changes no decision. Amounts are decimals in cents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
MOST_PER_STATE = 2
MOST_APPLICANTS = 10_000
GENDERS = ("female", "male", "other", "not_stated")
# Why a delegate has, or has not, a place.
FIRST_PLACE = "first_place"
SECOND_PLACE = "second_place"
BUDGET_SPENT = "budget_spent"  # the budget ran out at or before their turn
STATE_FULL = "state_full"  # their State had its two places


class SelectionError(ValueError):
    """Bad input: names the field or the applicant at fault."""

    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Applicant:
    key: str
    state: str
    priority: bool
    need: Decimal
    rank: int
    gender: str
    cost: Decimal


@dataclass(frozen=True)
class Decision:
    key: str
    selected: bool
    reason: str
    order: int | None  # the place's number in the order places were given, from 1


def _amount(where: str, raw: Any) -> Decimal:
    if not isinstance(raw, str):
        raise SelectionError(where, "must be a decimal number written as a string")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise SelectionError(where, "must be a decimal number written as a string") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise SelectionError(where, "must be positive, in cents")
    if value > Decimal(10) ** 12:
        raise SelectionError(where, "is beyond the largest amount accepted (10^12)")
    return value


def parse(data: Mapping[str, Any]) -> tuple[Decimal, list[Applicant]]:
    """The budget and the applicants of a selection file; SelectionError names what is wrong."""
    if not isinstance(data, Mapping):
        raise SelectionError("file", "must be a JSON object")
    budget = _amount("budget", data.get("budget"))
    raw = data.get("applicants")
    if not isinstance(raw, list):
        raise SelectionError("applicants", "must be a list")
    if len(raw) > MOST_APPLICANTS:
        raise SelectionError("applicants", f"at most {MOST_APPLICANTS}")
    applicants: list[Applicant] = []
    seen: set[str] = set()
    needs: dict[str, tuple[bool, Decimal]] = {}
    for number, item in enumerate(raw, start=1):
        where = f"applicant {number}"
        if not isinstance(item, Mapping):
            raise SelectionError(where, "must be an object")
        key, state = item.get("key"), item.get("state")
        for name, value in (("key", key), ("state", state)):
            if not isinstance(value, str) or not value or len(value) > 40:
                raise SelectionError(f"{where} {name}", "must be a key of 1 to 40 characters")
        assert isinstance(key, str) and isinstance(state, str)
        where = f"applicant {key!r}"
        if key in seen:
            raise SelectionError(where, "duplicate key")
        seen.add(key)
        priority = item.get("priority")
        if not isinstance(priority, bool):
            raise SelectionError(f"{where} priority", "must be true or false")
        try:
            need = Decimal(str(item.get("need")))
        except InvalidOperation:
            raise SelectionError(f"{where} need", "must be a number from 0 to 1") from None
        if not need.is_finite() or not Decimal(0) <= need <= Decimal(1):
            raise SelectionError(f"{where} need", "must be a number from 0 to 1")
        if needs.setdefault(state, (priority, need)) != (priority, need):
            raise SelectionError(where, f"state {state!r} has another tier or need elsewhere")
        rank = item.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= 1000:
            raise SelectionError(f"{where} rank", "must be a whole number from 1 to 1000")
        gender = item.get("gender")
        if gender not in GENDERS:
            raise SelectionError(f"{where} gender", f"must be one of {', '.join(GENDERS)}")
        cost = _amount(f"{where} cost", item.get("cost"))
        applicants.append(Applicant(key, state, priority, need, rank, gender, cost))
    return budget, applicants


def select(budget: Decimal, applicants: Sequence[Applicant]) -> list[Decision]:
    """Each applicant's decision, by the rule above, in the order of their keys."""
    by_state: dict[str, list[Applicant]] = {}
    for a in sorted(applicants, key=lambda a: (a.rank, a.key)):
        by_state.setdefault(a.state, []).append(a)
    order = sorted(by_state, key=lambda s: (not by_state[s][0].priority, -by_state[s][0].need, s))
    left = budget
    decided: dict[str, Decision] = {}
    spent = False
    given = 0

    def give(a: Applicant, reason: str) -> bool:
        nonlocal left, spent, given
        if spent or a.cost > left:
            spent = True
            return False
        left -= a.cost
        given += 1
        decided[a.key] = Decision(a.key, True, reason, given)
        return True

    firsts: dict[str, Applicant] = {}
    for state in order:
        first = by_state[state][0]
        if give(first, FIRST_PLACE):
            firsts[state] = first
    for state in order:
        if state not in firsts or spent:
            continue
        rest = by_state[state][1:]
        if not rest:
            continue
        stated = GENDERS[:3]  # female, male, other: a gender stated
        gender = firsts[state].gender
        other = [a for a in rest if gender in stated and a.gender in stated and a.gender != gender]
        give((other or rest)[0], SECOND_PLACE)
    for a in applicants:
        if a.key in decided:
            continue
        placed = sum(1 for b in by_state[a.state] if b.key in decided and decided[b.key].selected)
        reason = STATE_FULL if placed >= MOST_PER_STATE else BUDGET_SPENT
        decided[a.key] = Decision(a.key, False, reason, None)
    return sorted(decided.values(), key=lambda d: d.key)


def result_json(budget: Decimal, applicants: Sequence[Applicant]) -> dict[str, Any]:
    """The published result: every decision, and what the places cost."""
    decisions = select(budget, applicants)
    cost = {a.key: a.cost for a in applicants}
    spent = sum((cost[d.key] for d in decisions if d.selected), Decimal(0))
    return {
        "method": "equalfooting-sponsorship-1",
        "budget": f"{budget:.2f}",
        "spent": f"{spent:.2f}",
        "left": f"{budget - spent:.2f}",
        "places": sum(1 for d in decisions if d.selected),
        "decisions": [
            {"key": d.key, "sponsored": d.selected, "reason": d.reason, "order": d.order}
            for d in decisions
        ],
    }
