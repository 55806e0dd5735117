"""Matching requests for assistance to offers: optimal, fair on request, explained, reproducible.

Given requests (units of help a State needs) and offers (capacity a provider has), find
integral assignments of units that maximise the need-weighted help delivered,
Σ weight × units, subject to compatibility and capacities, never over a pair the input
excludes (declined or lapsed in an earlier round). It is a min-cost flow problem,
solved exactly with OR-Tools:

    source ─▶ State ─▶ request (≤ units) ─▶ offer (cost −weight) ─▶ sink (≤ capacity)

The optional fairness stage `max-min-state` first finds the largest share z such that every
State with servable units (units of requests that have at least one compatible offer) can be
served at least ⌈z × its servable units⌉, then maximises the weighted total with those lower
bounds held. Lower bounds on the source ─▶ State arcs keep both stages network flows, so both
are exact over integral units.

No Django here: anyone can re-run a published round with this module alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

FAIRNESS = ("none", "max-min-state")
# Costs must be integers for the network solver; weights are scaled and rounded. Every
# reported objective is recomputed from the exact weights.
COST_SCALE = 1_000_000
# The documented maxima of a round's input (docs/methodology-matching.md). A request's units and
# an offer's capacity: a million units (hours, places, days) is beyond any single request, and
# keeps every flow and every cost exact in 64-bit integers. A weight: the mechanism's weights are
# single digits; a thousand leaves room for any policy and keeps scaled costs far from overflow.
MAX_UNITS = 1_000_000
MAX_WEIGHT = 1_000
MAX_TEXT = 200  # an id, a State, a theme, a language, a modality
MAX_LIST = 50  # languages, modalities, themes


class ProblemError(ValueError):
    """Bad input, naming the record and the field."""

    def __init__(self, record: str, message: str) -> None:
        self.record, self.message = record, message
        super().__init__(f"{record}: {message}")


@dataclass(frozen=True)
class Request:
    id: str
    state: str
    theme: str
    languages: frozenset[str]
    modalities: frozenset[str]
    units: int
    weight: float
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Offer:
    id: str
    provider: str
    themes: frozenset[str]
    languages: frozenset[str]
    modalities: frozenset[str]
    capacity: int
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Problem:
    requests: tuple[Request, ...]
    offers: tuple[Offer, ...]
    fairness: str = "none"
    # (request id, offer id) pairs never to be proposed: declined or lapsed in an earlier round.
    exclusions: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Assignment:
    request: str
    offer: str
    units: int


@dataclass(frozen=True)
class Solution:
    assignments: tuple[Assignment, ...]
    objective: float
    bound: float
    greedy_objective: float
    fairness: str
    min_share: Fraction | None  # the z of the fairness stage, when it ran
    servable: Mapping[str, int]  # per State
    served: Mapping[str, int]  # per State
    explanations: Mapping[str, str] = field(default_factory=dict)  # in English
    reasons: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # the same, as data


# --- Input -----------------------------------------------------------------------------


def _date(record: str, name: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProblemError(record, f"{name} must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ProblemError(record, f"{name} {value!r} is not a date written YYYY-MM-DD") from None


def _positive_int(record: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_UNITS:
        shown = value if not isinstance(value, int) or value.bit_length() < 64 else "too large"
        raise ProblemError(
            record, f"{name} must be a whole number from 1 to {MAX_UNITS:,}, not {shown!r}"
        )
    return value


def _strings(record: str, name: str, value: Any) -> frozenset[str]:
    if (
        not isinstance(value, list)
        or len(value) > MAX_LIST
        or not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value)
    ):
        raise ProblemError(
            record, f"{name} must be a list of at most {MAX_LIST} strings of {MAX_TEXT} characters"
        )
    return frozenset(value)


def _text(record: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise ProblemError(record, f"{name} must be a string of 1 to {MAX_TEXT} characters")
    return value


def _require(record: str, raw: Mapping[str, Any], names: Iterable[str]) -> None:
    missing = [n for n in names if n not in raw]
    if missing:
        raise ProblemError(record, f"missing field(s): {', '.join(missing)}")


def _name(position: str, kind: str, raw: Mapping[str, Any]) -> str:
    """Name a record by its id where it has one, else by its position in the file."""
    rid = raw.get("id")
    return f"{kind} {rid!r}" if isinstance(rid, str) and rid else position


def _exclusions(
    data: Any, requests: Sequence[Request], offers: Sequence[Offer]
) -> frozenset[tuple[str, str]]:
    """The pairs never to propose, each naming a request and an offer of the file."""
    if not isinstance(data, list):
        raise ProblemError("problem", "exclusions must be a list")
    request_ids, offer_ids = {r.id for r in requests}, {o.id for o in offers}
    pairs: set[tuple[str, str]] = set()
    for index, raw in enumerate(data):
        record = f"exclusions[{index}]"
        if not isinstance(raw, dict):
            raise ProblemError(record, "must be an object")
        _require(record, raw, ["request", "offer"])
        rid, oid = _text(record, "request", raw["request"]), _text(record, "offer", raw["offer"])
        if rid not in request_ids:
            raise ProblemError(record, f"request {rid!r} is not among the requests")
        if oid not in offer_ids:
            raise ProblemError(record, f"offer {oid!r} is not among the offers")
        pairs.add((rid, oid))
    return frozenset(pairs)


def parse_problem(data: Any) -> Problem:
    """Read the published round format; raise ProblemError naming the offending record."""
    if not isinstance(data, dict):
        raise ProblemError("problem", "must be a JSON object")
    _require("problem", data, ["requests", "offers"])
    fairness = data.get("fairness", "none")
    if fairness not in FAIRNESS:
        raise ProblemError("problem", f"fairness must be one of {', '.join(FAIRNESS)}")
    requests: list[Request] = []
    seen: set[str] = set()
    if not isinstance(data["requests"], list) or not isinstance(data["offers"], list):
        raise ProblemError("problem", "requests and offers must be lists")
    for index, raw in enumerate(data["requests"]):
        record = f"requests[{index}]"
        if not isinstance(raw, dict):
            raise ProblemError(record, "must be an object")
        record = _name(record, "request", raw)
        _require(
            record, raw, ["id", "state", "theme", "languages", "modalities", "units", "weight"]
        )
        rid = _text(record, "id", raw["id"])
        if rid in seen:
            raise ProblemError(record, "duplicate id")
        seen.add(rid)
        weight = raw["weight"]
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or not 0 <= weight <= MAX_WEIGHT
        ):
            shown = weight if not isinstance(weight, int) or weight.bit_length() < 64 else "large"
            raise ProblemError(
                record, f"weight must be a number from 0 to {MAX_WEIGHT}, not {shown!r}"
            )
        start, end = _date(record, "start", raw.get("start")), _date(record, "end", raw.get("end"))
        if start and end and start > end:
            raise ProblemError(record, "start is after end")
        requests.append(
            Request(
                id=rid,
                state=_text(record, "state", raw["state"]),
                theme=_text(record, "theme", raw["theme"]),
                languages=_strings(record, "languages", raw["languages"]),
                modalities=_strings(record, "modalities", raw["modalities"]),
                units=_positive_int(record, "units", raw["units"]),
                weight=float(weight),
                start=start,
                end=end,
            )
        )
    offers: list[Offer] = []
    seen = set()
    for index, raw in enumerate(data["offers"]):
        record = f"offers[{index}]"
        if not isinstance(raw, dict):
            raise ProblemError(record, "must be an object")
        record = _name(record, "offer", raw)
        _require(record, raw, ["id", "provider", "themes", "languages", "modalities", "capacity"])
        oid = _text(record, "id", raw["id"])
        if oid in seen:
            raise ProblemError(record, "duplicate id")
        seen.add(oid)
        start, end = _date(record, "start", raw.get("start")), _date(record, "end", raw.get("end"))
        if start and end and start > end:
            raise ProblemError(record, "start is after end")
        offers.append(
            Offer(
                id=oid,
                provider=_text(record, "provider", raw["provider"]),
                themes=_strings(record, "themes", raw["themes"]),
                languages=_strings(record, "languages", raw["languages"]),
                modalities=_strings(record, "modalities", raw["modalities"]),
                capacity=_positive_int(record, "capacity", raw["capacity"]),
                start=start,
                end=end,
            )
        )
    exclusions = _exclusions(data.get("exclusions", []), requests, offers)
    return Problem(tuple(requests), tuple(offers), fairness, exclusions)


# --- Compatibility ----------------------------------------------------------------------


def dates_overlap(
    a_start: dt.date | None, a_end: dt.date | None, b_start: dt.date | None, b_end: dt.date | None
) -> bool:
    """Overlap where both give dates; a missing bound is open."""
    if a_start and b_end and a_start > b_end:
        return False
    return not (b_start and a_end and b_start > a_end)


def compatible(request: Request, offer: Offer) -> bool:
    return (
        request.theme in offer.themes
        and bool(request.languages & offer.languages)
        and bool(request.modalities & offer.modalities)
        and dates_overlap(request.start, request.end, offer.start, offer.end)
    )


def compatibility(problem: Problem) -> list[list[int]]:
    """For each request (in input order), the indices of the offers it may be matched with, in
    order: the compatible ones, less the excluded pairs."""
    # Index the offers by (theme, language): a request then looks only at offers that share
    # both with it, not at every offer of its theme.
    by_topic: dict[tuple[str, str], list[int]] = {}
    for j, offer in enumerate(problem.offers):
        for theme in offer.themes:
            for language in offer.languages:
                by_topic.setdefault((theme, language), []).append(j)
    excluded = problem.exclusions
    offers = problem.offers
    edges = []
    for r in problem.requests:
        lists = [by_topic.get((r.theme, language), []) for language in r.languages] or [[]]
        candidates = lists[0] if len(lists) == 1 else sorted({j for js in lists for j in js})
        # (No language at all: the list is empty, as compatible() would find.) Theme and
        # language are shared by construction; the rest of compatible() is tested here, inline,
        # since this loop runs once per candidate pair (a hundred thousand in a large round).
        modalities, start, end = r.modalities, r.start, r.end
        edges.append(
            [
                j
                for j in candidates
                if not modalities.isdisjoint(offers[j].modalities)
                and dates_overlap(start, end, offers[j].start, offers[j].end)
                and (not excluded or (r.id, offers[j].id) not in excluded)
            ]
        )
    return edges


# --- Solving ----------------------------------------------------------------------------


@dataclass
class _Network:
    """Node numbering and arcs of the flow network, built once and solved with new bounds."""

    problem: Problem
    edges: list[list[int]]
    states: list[str]
    servable: dict[str, int]

    @property
    def source(self) -> int:
        return 0

    @property
    def sink(self) -> int:
        return 1

    def state_node(self, k: int) -> int:
        return 2 + k

    def request_node(self, i: int) -> int:
        return 2 + len(self.states) + i

    def offer_node(self, j: int) -> int:
        return 2 + len(self.states) + len(self.problem.requests) + j


def _network(problem: Problem, edges: list[list[int]]) -> _Network:
    servable: dict[str, int] = {}
    for i, r in enumerate(problem.requests):
        if edges[i]:
            servable[r.state] = servable.get(r.state, 0) + r.units
    states = sorted(servable)
    return _Network(problem, edges, states, servable)


@dataclass
class _Flow:
    """A solved network: every arc (tail, head, capacity, scaled cost, flow) and the supplies.

    Kept whole so that the optimum can prove itself (`_certified_bound`) without a second
    solver."""

    tails: Any  # numpy arrays, one entry per arc
    heads: Any
    capacities: Any
    costs: Any
    flows: Any
    supplies: Any
    pairs: Any  # the positions of the request ─▶ offer arcs, in edge order
    weights: Any  # the exact weight of each request ─▶ offer arc

    def pair_flows(self) -> list[int]:
        return [int(units) for units in self.flows[self.pairs]]


def _solve_flow(net: _Network, lower: Mapping[str, int], *, with_costs: bool) -> _Flow | None:
    """The min-cost flow with these lower bounds, or None when they are infeasible."""
    # OR-Tools loads a large native library, numpy a smaller one: only the commands and jobs
    # that solve pay for them.
    import numpy as np
    from ortools.graph.python import min_cost_flow

    problem = net.problem
    n_states, n_requests = len(net.states), len(problem.requests)
    total = sum(net.servable.values())
    supplies = np.zeros(2 + n_states + n_requests + len(problem.offers), np.int64)
    supplies[net.source] = total
    supplies[net.sink] = -total
    # The first arcs: help not given (source ─▶ sink), then source ─▶ each State. A lower bound
    # l on source ─▶ State: l units leave the source for the State up front.
    low = np.array([lower.get(state, 0) for state in net.states], np.int64)
    supplies[net.source] -= int(low.sum())
    supplies[2 : 2 + n_states] += low
    head_tails = np.zeros(1 + n_states, np.int64)
    head_heads = np.concatenate([[net.sink], 2 + np.arange(n_states)])
    head_capacities = np.concatenate(
        [[total], np.array([net.servable[s] for s in net.states], np.int64) - low]
    )
    # Then, request by request in input order, the State ─▶ request arc followed by the
    # request's request ─▶ offer arcs (the order the network has always been built in, so that
    # among equally good assignments the solver picks the one it always picked and a published
    # round re-runs to the same file), and last each offer ─▶ sink. Built as arrays: a large
    # round has a hundred thousand arcs.
    state_index = {s: k for k, s in enumerate(net.states)}
    counts = np.fromiter(map(len, net.edges), np.int64, n_requests)
    served = np.flatnonzero(counts)  # the requests with at least one compatible offer
    per = counts[served]
    offer_of = np.fromiter((j for js in net.edges for j in js), np.int64, int(counts.sum()))
    units = np.array([r.units for r in problem.requests], np.int64)
    weight = np.array([r.weight for r in problem.requests], np.float64)
    offer_capacity = np.array([o.capacity for o in problem.offers], np.int64)
    block_start = len(head_tails) + np.cumsum(per + 1) - (per + 1)
    request_of = np.repeat(served, per)  # the request of each request ─▶ offer arc
    within = np.arange(len(offer_of)) - np.repeat(np.cumsum(per) - per, per)
    pairs = np.repeat(block_start, per) + 1 + within
    middle = int((per + 1).sum())
    mid_tails = np.empty(middle, np.int64)
    mid_heads = np.empty(middle, np.int64)
    mid_capacities = np.empty(middle, np.int64)
    at = block_start - len(head_tails)
    mid_tails[at] = 2 + np.array([state_index[problem.requests[i].state] for i in served], np.int64)
    mid_heads[at] = 2 + n_states + served
    mid_capacities[at] = units[served]
    at = pairs - len(head_tails)
    mid_tails[at] = 2 + n_states + request_of
    mid_heads[at] = 2 + n_states + n_requests + offer_of
    mid_capacities[at] = np.minimum(units[request_of], offer_capacity[offer_of])
    n_offers = len(problem.offers)
    tails = np.concatenate([head_tails, mid_tails, 2 + n_states + n_requests + np.arange(n_offers)])
    heads = np.concatenate([head_heads, mid_heads, np.full(n_offers, net.sink)])
    capacities = np.concatenate([head_capacities, mid_capacities, offer_capacity])
    costs = np.zeros(len(tails), np.int64)
    exact = weight[request_of]
    if with_costs:
        costs[pairs] = -np.round(exact * COST_SCALE).astype(np.int64)
    arrays = (tails.astype(np.int32), heads.astype(np.int32), capacities)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(*arrays, costs)
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    return _Flow(*arrays, costs, flow.flows(arcs), supplies, pairs, exact)


def _certified_bound(solved: _Flow) -> float:
    """An upper bound on Σ weight × units over every fractional assignment, proved by the flow.

    Linear-programming duality: the network problem min Σ cost × flow has the dual
    max Σ supply_v × y_v − Σ capacity_a × μ_a subject to y_tail − y_head − μ_a ≤ cost_a, μ ≥ 0,
    and any feasible (y, μ) bounds the minimum from below. At an optimal flow the residual
    graph has no negative cycle, so shortest distances d from a virtual root exist, and
    y = −d / scale with μ_a = max(0, y_tail − y_head − cost_a) is feasible — for the exact,
    unscaled costs too, since μ absorbs any rounding. Its value is therefore a true bound, and
    equals the optimum when the weights scale exactly; no second solver is needed.
    """
    # numpy is loaded by _solve_flow already.
    import numpy as np

    f = solved.flows
    # Residual arcs: forward where flow < capacity, backward (negated cost) where flow > 0.
    forward = f < solved.capacities
    backward = f > 0
    tails = np.concatenate([solved.tails[forward], solved.heads[backward]])
    heads = np.concatenate([solved.heads[forward], solved.tails[backward]])
    costs = np.concatenate([solved.costs[forward], -solved.costs[backward]])
    nodes = len(solved.supplies)
    distance = np.zeros(nodes, np.int64)  # the virtual root reaches every node at cost 0
    if len(heads) == 0:
        return 0.0  # nothing to carry: nothing to bound
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    reached, starts = np.unique(heads, return_index=True)
    # Bellman–Ford, one vectorised sweep of every arc per round; at most one round per node.
    for _ in range(nodes + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        improved = best < distance[reached]
        if not improved.any():
            break
        distance[reached[improved]] = best[improved]
    else:
        raise RuntimeError("the flow is not optimal: its residual graph has a negative cycle")
    y = -distance.astype(np.float64) / COST_SCALE
    exact_costs = np.zeros(len(solved.tails), np.float64)
    exact_costs[solved.pairs] = -solved.weights
    mu = np.maximum(0.0, y[solved.tails] - y[solved.heads] - exact_costs)
    dual = math.fsum(solved.supplies.astype(np.float64) * y) - math.fsum(
        solved.capacities.astype(np.float64) * mu
    )
    return max(0.0, -dual)


def _lower_bounds(net: _Network, share: Fraction) -> dict[str, int]:
    return {s: math.ceil(share * units) for s, units in net.servable.items()}


def _candidates_between(net: _Network, low: Fraction, high: Fraction) -> int:
    """How many shares k / servable_s lie strictly between low and high (counted, not listed)."""
    return sum(
        max(0, math.ceil(high * units) - 1 - math.floor(low * units))
        for units in net.servable.values()
    )


def _max_min_share(net: _Network) -> Fraction:
    """The largest z for which every State can get ⌈z × servable⌉ units at once.

    The bounds only change at the shares k / servable_s, so the answer is one of them, and
    feasibility is monotone in z. Listing every share would take time in proportion to the
    unit counts (a request of 2^20 units meant a million candidates); instead, bisect the
    interval — each step one flow — until few shares are left in it, then search those. The
    number of flows grows with the logarithm of the largest unit count, not with the count.

    Invariant: `low` is a feasible share; every share at or above `high` is infeasible.
    """

    def feasible(share: Fraction) -> bool:
        return _solve_flow(net, _lower_bounds(net, share), with_costs=False) is not None

    if not net.servable:
        return Fraction(0)
    low, high = Fraction(0), Fraction(1)
    if feasible(high):
        return high
    while _candidates_between(net, low, high) > 2 * len(net.servable):
        middle = (low + high) / 2
        if feasible(middle):
            # Between two shares the bounds are those of the next share up, so it is feasible
            # too: the smallest share at or above the middle.
            low = min(Fraction(math.ceil(middle * u), u) for u in net.servable.values())
        else:
            high = middle
    # Few shares are left between low and high: list them and search.
    shares = sorted(
        {
            Fraction(k, units)
            for units in net.servable.values()
            for k in range(math.floor(low * units) + 1, math.ceil(high * units))
        }
    )
    first, last = 0, len(shares)  # answer is low, or shares[i] for the largest feasible i
    while first < last:
        mid = (first + last) // 2
        if feasible(shares[mid]):
            low, first = shares[mid], mid + 1
        else:
            last = mid
    return low


def greedy(problem: Problem, edges: Sequence[Sequence[int]] | None = None) -> list[Assignment]:
    """First come, first served: requests in input order take what their offers have left."""
    edges = edges if edges is not None else compatibility(problem)
    left = [o.capacity for o in problem.offers]
    result = []
    for i, r in enumerate(problem.requests):
        need = r.units
        for j in edges[i]:
            if need == 0:
                break
            take = min(need, left[j])
            if take:
                left[j] -= take
                need -= take
                result.append(Assignment(r.id, problem.offers[j].id, take))
    return result


def value(problem: Problem, assignments: Iterable[Assignment]) -> float:
    weight = {r.id: r.weight for r in problem.requests}
    return math.fsum(weight[a.request] * a.units for a in assignments)


def solve(problem: Problem) -> Solution:
    edges = compatibility(problem)
    net = _network(problem, edges)
    share: Fraction | None = None
    lower: dict[str, int] = {}
    if problem.fairness == "max-min-state":
        share = _max_min_share(net)
        lower = _lower_bounds(net, share)
    solved = _solve_flow(net, lower, with_costs=True)
    assert solved is not None, "lower bounds found feasible must stay feasible"
    flows = solved.pair_flows()
    assignments = []
    position = 0
    for i, r in enumerate(problem.requests):
        for j in edges[i]:
            units = flows[position]
            position += 1
            if units:
                assignments.append(Assignment(r.id, problem.offers[j].id, units))
    served: dict[str, int] = dict.fromkeys(net.states, 0)
    state_of = {r.id: r.state for r in problem.requests}
    for a in assignments:
        served[state_of[a.request]] += a.units
    solution = Solution(
        assignments=tuple(assignments),
        objective=value(problem, assignments),
        bound=_certified_bound(solved),
        greedy_objective=value(problem, greedy(problem, edges)),
        fairness=problem.fairness,
        min_share=share,
        servable=dict(net.servable),
        served=served,
    )
    why = reasons(problem, edges, solution)
    return Solution(
        **{
            **solution.__dict__,
            "explanations": {rid: english(reason) for rid, reason in why.items()},
            "reasons": why,
        }
    )


# --- Explanations -----------------------------------------------------------------------


def _incompatibility(request: Request, offers: Sequence[Offer]) -> dict[str, Any]:
    """Which test no offer passed: the theme, then the language, the modality, the dates;
    with how many offers passed the tests before it."""
    themed = [o for o in offers if request.theme in o.themes]
    if not themed:
        return {"cause": "theme", "theme": request.theme}
    spoken = [o for o in themed if request.languages & o.languages]
    if not spoken:
        return {"cause": "language", "offers": len(themed)}
    reachable = [o for o in spoken if request.modalities & o.modalities]
    if not reachable:
        return {"cause": "modality", "offers": len(spoken)}
    return {"cause": "dates", "offers": len(reachable)}


def reasons(
    problem: Problem, edges: Sequence[Sequence[int]], solution: Solution
) -> dict[str, dict[str, Any]]:
    """Why each request got what it got, as data: an outcome code and its figures, so each
    reader's language can word it (`english` words it for files and the command line).

    outcome: "full" | "part" | "none" (compatible offers, not or not fully served: `why` says
    which use of their capacity won), "only_declined" (its compatible offers were all declined
    or lapsed before), "incompatible" (`why` names the first test no offer passed).
    `excluded` lists the offers not proposed again because they were declined or lapsed.
    """
    used: dict[str, int] = {}
    by_request: dict[str, list[Assignment]] = {}
    for a in solution.assignments:
        used[a.offer] = used.get(a.offer, 0) + a.units
        by_request.setdefault(a.request, []).append(a)
    excluded_from: dict[str, set[str]] = {}
    for rid, oid in problem.exclusions:
        excluded_from.setdefault(rid, set()).add(oid)
    found: dict[str, dict[str, Any]] = {}
    for i, r in enumerate(problem.requests):
        left_out = excluded_from.get(r.id)
        excluded = [o for o in problem.offers if o.id in left_out] if left_out else []
        excluded_ids = [o.id for o in excluded]
        if not edges[i]:
            declined = [o.id for o in excluded if compatible(r, o)]
            found[r.id] = (
                {"outcome": "only_declined", "offers": declined}
                if declined
                else {
                    "outcome": "incompatible",
                    "why": _incompatibility(r, problem.offers),
                    "excluded": excluded_ids,
                }
            )
            continue
        got = by_request.get(r.id, [])
        units = sum(a.units for a in got)
        parts = [{"units": a.units, "offer": a.offer} for a in got]
        if units == r.units:
            found[r.id] = {
                "outcome": "full",
                "units": units,
                "parts": parts,
                "excluded": excluded_ids,
            }
            continue
        full = all(
            used.get(problem.offers[j].id, 0) >= problem.offers[j].capacity for j in edges[i]
        )
        why = (
            ("capacity_taken_fair" if solution.fairness != "none" else "capacity_taken")
            if full
            else "zero_weight"
            if r.weight == 0
            else "no_better_use"
        )
        found[r.id] = {
            "outcome": "part" if units else "none",
            "units": units,
            "of": r.units,
            "parts": parts,
            "why": why,
            "compatible": len(edges[i]),
            "excluded": excluded_ids,
        }
    return found


def english(reason: Mapping[str, Any]) -> str:
    """A reason in English, for the solution file and the command line (pages word it in the
    reader's language from the same data)."""
    outcome = reason["outcome"]
    excluded = reason.get("excluded") or []
    note = (
        " Not proposed with offer(s) "
        + ", ".join(excluded)
        + ": declined or lapsed in an earlier round."
        if excluded
        else ""
    )
    if outcome == "only_declined":
        return (
            "Not matched: its only compatible offer(s) ("
            + ", ".join(reason["offers"])
            + ") were declined or lapsed in an earlier round."
        )
    if outcome == "incompatible":
        why = reason["why"]
        cause = {
            "theme": f"no offer covers the theme {why.get('theme')!r}",
            "language": f"{why.get('offers')} offer(s) cover the theme, but none in a language "
            "asked for",
            "modality": f"{why.get('offers')} offer(s) cover the theme in a shared language, "
            "but none in a modality asked for",
            "dates": f"{why.get('offers')} offer(s) fit theme, language and modality, "
            "but none in the dates asked for",
        }[why["cause"]]
        return "Not matched: no compatible offer — " + cause + "." + note
    parts = ", ".join(f"{p['units']} from offer {p['offer']}" for p in reason["parts"])
    if outcome == "full":
        units = reason["units"]
        return f"Matched in full: {units} of {units} units ({parts})." + note
    capacity = f"the capacity of its {reason['compatible']} compatible offer(s) "
    why = {
        "capacity_taken": capacity + "went to requests of higher weight",
        "capacity_taken_fair": capacity
        + "went to requests of higher weight or to meet the minimum share of each State",
        "zero_weight": "its weight is zero",
        "no_better_use": "no better use of the remaining capacity",
    }[reason["why"]]
    head = (
        f"Matched in part: {reason['units']} of {reason['of']} units ({parts}); "
        if outcome == "part"
        else f"Not matched (0 of {reason['of']} units): "
    )
    return head + why + "." + note


# --- Output -----------------------------------------------------------------------------


def solution_json(solution: Solution) -> dict[str, Any]:
    share = solution.min_share
    return {
        "assignments": [
            {"request": a.request, "offer": a.offer, "units": a.units} for a in solution.assignments
        ],
        "objective": round(solution.objective, 9),
        "bound": round(solution.bound, 9),
        "greedy_objective": round(solution.greedy_objective, 9),
        "fairness": solution.fairness,
        "min_share": None
        if share is None
        else {"value": float(share), "fraction": f"{share.numerator}/{share.denominator}"},
        "states": {
            s: {"servable": solution.servable[s], "served": solution.served[s]}
            for s in sorted(solution.servable)
        },
        "explanations": dict(solution.explanations),
        "reasons": {rid: dict(reason) for rid, reason in solution.reasons.items()},
    }
