"""The matching core against an independent exact method (MILP with SciPy's HiGHS)."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from equalfooting.domain import matching as m

# --- An independent reference: compatibility and MILPs written from the specification ---


def excluded(data: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["request"], e["offer"]) for e in data.get("exclusions", [])}


def fits(r: dict[str, Any], o: dict[str, Any], data: dict[str, Any] | None = None) -> bool:
    """Compatible, and not a pair the file excludes (declined or lapsed in an earlier round)."""
    if data is not None and (r["id"], o["id"]) in excluded(data):
        return False
    if r["theme"] not in o["themes"] or not set(r["languages"]) & set(o["languages"]):
        return False
    if not set(r["modalities"]) & set(o["modalities"]):
        return False
    lo = max(d for d in (r.get("start"), o.get("start"), "0000-00-00") if d)
    hi = min(d for d in (r.get("end"), o.get("end"), "9999-99-99") if d)
    return lo <= hi


def reference(data: dict[str, Any], lower: dict[str, int]) -> float | None:
    """max Σ w x over integral x, with State totals ≥ lower; None if infeasible."""
    pairs = [
        (i, j)
        for i, r in enumerate(data["requests"])
        for j, o in enumerate(data["offers"])
        if fits(r, o, data)
    ]
    if not pairs:
        return 0.0 if not any(lower.values()) else None
    rows, upper, lowers = [], [], []
    for i, r in enumerate(data["requests"]):
        rows.append([1.0 if p[0] == i else 0.0 for p in pairs])
        upper.append(r["units"])
        lowers.append(-np.inf)
    for j, o in enumerate(data["offers"]):
        rows.append([1.0 if p[1] == j else 0.0 for p in pairs])
        upper.append(o["capacity"])
        lowers.append(-np.inf)
    for state, low in lower.items():
        rows.append([1.0 if data["requests"][p[0]]["state"] == state else 0.0 for p in pairs])
        upper.append(np.inf)
        lowers.append(low)
    cost = np.array([-data["requests"][i]["weight"] for i, _j in pairs])
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lowers, upper),
        integrality=np.ones(len(pairs)),
        bounds=Bounds(0, np.inf),
    )
    return None if result.status != 0 else float(-result.fun)


def servable(data: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in data["requests"]:
        if any(fits(r, o, data) for o in data["offers"]):
            out[r["state"]] = out.get(r["state"], 0) + r["units"]
    return out


def reference_share(data: dict[str, Any]) -> Fraction:
    """Brute force: the largest candidate share whose lower bounds are feasible."""
    amounts = servable(data)
    shares = sorted({Fraction(k, u) for u in amounts.values() for k in range(u + 1)}, reverse=True)
    for z in shares:
        if reference(data, {s: math.ceil(z * u) for s, u in amounts.items()}) is not None:
            return z
    return Fraction(0)


# --- Random small instances ---------------------------------------------------------------

DATES = [None, "2027-01-01", "2027-03-01", "2027-06-01"]


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    def maybe_dates() -> dict[str, str]:
        a, b = draw(st.sampled_from(DATES)), draw(st.sampled_from(DATES))
        out = {}
        if a and b and a > b:
            a, b = b, a
        if a:
            out["start"] = a
        if b:
            out["end"] = b
        return out

    requests = [
        {
            "id": f"r{i}",
            "state": draw(st.sampled_from("ABC")),
            "theme": draw(st.sampled_from(["t1", "t2"])),
            "languages": draw(
                st.lists(st.sampled_from(["en", "fr"]), min_size=1, max_size=2, unique=True)
            ),
            "modalities": draw(
                st.lists(
                    st.sampled_from(["online", "in_person"]), min_size=1, max_size=2, unique=True
                )
            ),
            "units": draw(st.integers(1, 6)),
            "weight": draw(st.sampled_from([0, 0.5, 1, 1.25, 2, 3.5, 5])),
            **maybe_dates(),
        }
        for i in range(draw(st.integers(1, 6)))
    ]
    offers = [
        {
            "id": f"o{j}",
            "provider": "P",
            "themes": draw(
                st.lists(st.sampled_from(["t1", "t2"]), min_size=1, max_size=2, unique=True)
            ),
            "languages": draw(
                st.lists(st.sampled_from(["en", "fr"]), min_size=1, max_size=2, unique=True)
            ),
            "modalities": draw(
                st.lists(
                    st.sampled_from(["online", "in_person"]), min_size=1, max_size=2, unique=True
                )
            ),
            "capacity": draw(st.integers(1, 8)),
            **maybe_dates(),
        }
        for j in range(draw(st.integers(1, 4)))
    ]
    pairs = [(r["id"], o["id"]) for r in requests for o in offers]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs), unique=True))
    # Half the instances exclude some pairs, as a round after declines does.
    exclusions = [{"request": r, "offer": o} for r, o in chosen] if draw(st.booleans()) else []
    return {"requests": requests, "offers": offers, "exclusions": exclusions}


def check_feasible(data: dict[str, Any], solution: m.Solution) -> None:
    requests = {r["id"]: r for r in data["requests"]}
    offers = {o["id"]: o for o in data["offers"]}
    for a in solution.assignments:
        assert a.units > 0 and fits(requests[a.request], offers[a.offer], data)
    for rid, r in requests.items():
        assert sum(a.units for a in solution.assignments if a.request == rid) <= r["units"]
    for oid, o in offers.items():
        assert sum(a.units for a in solution.assignments if a.offer == oid) <= o["capacity"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_without_fairness_the_objective_is_the_exact_optimum(data: dict[str, Any]) -> None:
    solution = m.solve(m.parse_problem({**data, "fairness": "none"}))
    check_feasible(data, solution)
    expected = reference(data, {})
    assert expected is not None
    assert solution.objective == pytest.approx(expected, abs=1e-6)
    assert solution.bound == pytest.approx(expected, abs=1e-6)  # network LPs are integral
    assert solution.greedy_objective <= solution.objective + 1e-9


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_with_fairness_the_share_and_objective_are_the_exact_optimum(data: dict[str, Any]) -> None:
    solution = m.solve(m.parse_problem({**data, "fairness": "max-min-state"}))
    check_feasible(data, solution)
    share = reference_share(data)
    assert solution.min_share == share
    amounts = servable(data)
    assert solution.servable == amounts
    for state, units in amounts.items():
        assert solution.served[state] >= math.ceil(share * units)
    expected = reference(data, {s: math.ceil(share * u) for s, u in amounts.items()})
    assert expected is not None
    assert solution.objective == pytest.approx(expected, abs=1e-6)
    # The bound the flow proves holds the lower bounds too.
    assert solution.bound == pytest.approx(expected, abs=1e-6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(m.FAIRNESS))
def test_an_excluded_pair_never_gets_flow(data: dict[str, Any], fairness: str) -> None:
    solution = m.solve(m.parse_problem({**data, "fairness": fairness}))
    pairs = excluded(data)
    assert not [a for a in solution.assignments if (a.request, a.offer) in pairs]
    requests = {r["id"]: r for r in data["requests"]}
    offers = {o["id"]: o for o in data["offers"]}
    for rid, oid in pairs:  # a pair that would fit: the request's explanation says why not
        if fits(requests[rid], offers[oid]):
            assert oid in solution.explanations[rid]
            assert "declined or lapsed in an earlier round" in solution.explanations[rid]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(m.FAIRNESS))
def test_without_exclusions_the_result_is_unchanged(data: dict[str, Any], fairness: str) -> None:
    plain = {"requests": data["requests"], "offers": data["offers"], "fairness": fairness}
    before = m.solution_json(m.solve(m.parse_problem(plain)))
    assert m.solution_json(m.solve(m.parse_problem({**plain, "exclusions": []}))) == before
    assert "declined" not in str(before["explanations"])
    if fairness == "none":
        # Excluding pairs the optimum leaves unused cannot change the optimum.
        used = {(a["request"], a["offer"]) for a in before["assignments"]}
        unused = [
            {"request": r["id"], "offer": o["id"]}
            for r in data["requests"]
            for o in data["offers"]
            if (r["id"], o["id"]) not in used
        ]
        after = m.solve(m.parse_problem({**plain, "exclusions": unused}))
        assert after.objective == pytest.approx(before["objective"], abs=1e-6)


def test_a_declined_pair_is_not_proposed_again_and_the_explanation_says_why() -> None:
    request = {"state": "A", "theme": "t", "languages": ["en"], "modalities": ["online"]}
    offer = {"provider": "P", "themes": ["t"], "languages": ["en"], "modalities": ["online"]}
    data: dict[str, Any] = {
        "requests": [
            {**request, "id": "heavy", "units": 4, "weight": 5},
            {**request, "id": "light", "state": "B", "units": 4, "weight": 1},
        ],
        "offers": [{**offer, "id": "o1", "capacity": 4}, {**offer, "id": "o2", "capacity": 2}],
        "fairness": "none",
    }
    first = m.solve(m.parse_problem(data))
    assert ("heavy", "o1") in [(a.request, a.offer) for a in first.assignments]
    data["exclusions"] = [{"request": "heavy", "offer": "o1"}]
    again = m.solve(m.parse_problem(data))
    assert {(a.request, a.offer): a.units for a in again.assignments} == {
        ("heavy", "o2"): 2,
        ("light", "o1"): 4,
    }
    assert again.explanations["heavy"] == (
        "Matched in part: 2 of 4 units (2 from offer o2); the capacity of its 1 compatible "
        "offer(s) went to requests of higher weight. Not proposed with offer(s) o1: declined or "
        "lapsed in an earlier round."
    )
    data["exclusions"].append({"request": "heavy", "offer": "o2"})
    text = m.solve(m.parse_problem(data)).explanations["heavy"]
    assert text == (
        "Not matched: its only compatible offer(s) (o1, o2) were declined or lapsed in an "
        "earlier round."
    )


def test_same_input_same_output() -> None:
    data = {
        "requests": [
            {
                "id": f"r{i}",
                "state": "ABC"[i % 3],
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 3,
                "weight": 1,
            }
            for i in range(9)
        ],
        "offers": [
            {
                "id": f"o{j}",
                "provider": "P",
                "themes": ["t"],
                "languages": ["en"],
                "modalities": ["online"],
                "capacity": 4,
            }
            for j in range(3)
        ],
        "fairness": "max-min-state",
    }
    runs = [m.solution_json(m.solve(m.parse_problem(data))) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_fairness_spreads_scarce_capacity_across_states() -> None:
    data = {
        "requests": [
            {
                "id": "big",
                "state": "A",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 10,
                "weight": 5,
            },
            {
                "id": "small",
                "state": "B",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 10,
                "weight": 1,
            },
        ],
        "offers": [
            {
                "id": "o",
                "provider": "P",
                "themes": ["t"],
                "languages": ["en"],
                "modalities": ["online"],
                "capacity": 10,
            }
        ],
    }
    plain = m.solve(m.parse_problem({**data, "fairness": "none"}))
    fair = m.solve(m.parse_problem({**data, "fairness": "max-min-state"}))
    assert plain.served == {"A": 10, "B": 0}
    assert fair.min_share == Fraction(1, 2) and fair.served == {"A": 5, "B": 5}


def test_every_request_is_explained() -> None:
    data = {
        "requests": [
            {
                "id": "full",
                "state": "A",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 2,
                "weight": 5,
            },
            {
                "id": "part",
                "state": "B",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 5,
                "weight": 1,
            },
            {
                "id": "lang",
                "state": "C",
                "theme": "t",
                "languages": ["ru"],
                "modalities": ["online"],
                "units": 1,
                "weight": 1,
            },
            {
                "id": "theme",
                "state": "C",
                "theme": "x",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 1,
                "weight": 1,
            },
            {
                "id": "date",
                "state": "C",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 1,
                "weight": 1,
                "start": "2030-01-01",
            },
        ],
        "offers": [
            {
                "id": "o",
                "provider": "P",
                "themes": ["t"],
                "languages": ["en"],
                "modalities": ["online"],
                "capacity": 4,
                "end": "2028-01-01",
            }
        ],
    }
    text = m.solve(m.parse_problem(data)).explanations
    assert text["full"].startswith("Matched in full: 2 of 2 units")
    assert (
        text["part"].startswith("Matched in part: 2 of 5 units") and "higher weight" in text["part"]
    )
    assert "language" in text["lang"] and "theme 'x'" in text["theme"] and "dates" in text["date"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["requests"][0].pop("units"), "request 'r0': missing field(s): units"),
        (
            lambda d: d["requests"][0].update(units=0),
            "request 'r0': units must be a whole number from 1 to 1,000,000",
        ),
        (
            lambda d: d["requests"][0].update(units=2.5),
            "request 'r0': units must be a whole number from 1 to 1,000,000",
        ),
        (
            lambda d: d["offers"][0].update(capacity=-1),
            "offer 'o0': capacity must be a whole number from 1 to 1,000,000",
        ),
        (lambda d: d["requests"].append(dict(d["requests"][0])), "request 'r0': duplicate id"),
        (
            lambda d: d["offers"][0].update(start="2027-13-01"),
            "offer 'o0': start '2027-13-01' is not a date",
        ),
        (
            lambda d: d["requests"][0].update(weight="heavy"),
            "request 'r0': weight must be a number",
        ),
        (lambda d: d.update(fairness="maybe"), "problem: fairness must be one of"),
        (
            lambda d: d["offers"][0].update(languages="en"),
            "offer 'o0': languages must be a list of at most 50 strings",
        ),
        (lambda d: d.update(exclusions={"r0": "o0"}), "problem: exclusions must be a list"),
        (
            lambda d: d.update(exclusions=[{"request": "r0"}]),
            "exclusions[0]: missing field(s): offer",
        ),
        (
            lambda d: d.update(exclusions=[{"request": "r9", "offer": "o0"}]),
            "exclusions[0]: request 'r9' is not among the requests",
        ),
        (
            lambda d: d.update(exclusions=[{"request": "r0", "offer": 7}]),
            "exclusions[0]: offer must be a string of 1 to 200 characters",
        ),
    ],
)
def test_bad_input_names_the_record(change: Any, message: str) -> None:
    data = {
        "requests": [
            {
                "id": "r0",
                "state": "A",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 1,
                "weight": 1,
            }
        ],
        "offers": [
            {
                "id": "o0",
                "provider": "P",
                "themes": ["t"],
                "languages": ["en"],
                "modalities": ["online"],
                "capacity": 1,
            }
        ],
    }
    change(data)
    with pytest.raises(m.ProblemError) as caught:
        m.parse_problem(data)
    assert str(caught.value).startswith(message)


def test_dates_overlap_only_where_both_give_them() -> None:
    d = dt.date.fromisoformat
    assert m.dates_overlap(None, None, d("2027-01-01"), d("2027-02-01"))
    assert m.dates_overlap(d("2027-01-15"), None, None, d("2027-01-20"))
    assert not m.dates_overlap(d("2027-03-01"), d("2027-04-01"), d("2027-01-01"), d("2027-02-01"))
    assert not m.dates_overlap(None, d("2026-12-31"), d("2027-01-01"), None)


def test_the_greedy_baseline_serves_in_request_order() -> None:
    data = {
        "requests": [
            {
                "id": f"r{i}",
                "state": "A",
                "theme": "t",
                "languages": ["en"],
                "modalities": ["online"],
                "units": 3,
                "weight": w,
            }
            for i, w in enumerate([1, 9])
        ],
        "offers": [
            {
                "id": "o",
                "provider": "P",
                "themes": ["t"],
                "languages": ["en"],
                "modalities": ["online"],
                "capacity": 3,
            }
        ],
    }
    problem = m.parse_problem(data)
    assert m.greedy(problem) == [m.Assignment("r0", "o", 3)]
    solution = m.solve(problem)
    assert (solution.greedy_objective, solution.objective) == (3.0, 27.0)


def enumerated_share(net: Any) -> Fraction:
    """The search as it was: every share k / servable listed, then bisected. Exact, but its
    time grew with the unit counts."""
    shares = sorted({Fraction(k, u) for u in net.servable.values() for k in range(u + 1)})
    low, high = 0, len(shares) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if m._solve_flow(net, m._lower_bounds(net, shares[mid]), with_costs=False) is not None:
            low = mid
        else:
            high = mid - 1
    return shares[low] if shares else Fraction(0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=instances(), scale=st.sampled_from([7, 53, 389]))
def test_the_share_search_without_listing_every_share_finds_the_same_share(
    data: dict[str, Any], scale: int
) -> None:
    # Large unit counts, so that the bisection (not only the final listing) is exercised.
    for r in data["requests"]:
        r["units"] *= scale
    for o in data["offers"]:
        o["capacity"] = o["capacity"] * scale + 1
    problem = m.parse_problem({**data, "fairness": "max-min-state"})
    net = m._network(problem, m.compatibility(problem))
    assert m._max_min_share(net) == enumerated_share(net)


def an_offer(**change: Any) -> dict[str, Any]:
    """Offer "o" of provider P: theme t, English, online; `change` sets the rest."""
    offer = {"id": "o", "provider": "P", "themes": ["t"], "languages": ["en"]}
    return {**offer, "modalities": ["online"], **change}


def huge(units: int, capacity: int) -> dict[str, Any]:
    request = {"theme": "t", "languages": ["en"], "modalities": ["online"], "weight": 1}
    return {
        "requests": [
            {**request, "id": "a", "state": "A", "units": units},
            {**request, "id": "b", "state": "B", "units": 3},
        ],
        "offers": [an_offer(capacity=capacity)],
        "fairness": "max-min-state",
    }


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"units": 2**40}, "units must be a whole number from 1 to 1,000,000"),
        ({"units": 2**70}, "not 'too large'"),
        ({"weight": 1e308}, "weight must be a number from 0 to 1000"),
        ({"theme": "t" * 201}, "theme must be a string of 1 to 200 characters"),
    ],
)
def test_values_beyond_the_documented_maxima_are_refused(
    change: dict[str, Any], named: str
) -> None:
    data = huge(3, 3)
    data["requests"][0].update(change)
    with pytest.raises(m.ProblemError, match="request 'a'") as refused:
        m.parse_problem(data)
    assert named in str(refused.value)


def test_the_share_search_takes_few_flows_for_the_largest_unit_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = m.parse_problem(huge(m.MAX_UNITS, m.MAX_UNITS // 2))
    net = m._network(problem, m.compatibility(problem))
    calls = 0
    solve_flow = m._solve_flow

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return solve_flow(*args, **kwargs)

    monkeypatch.setattr(m, "_solve_flow", counted)
    share = m._max_min_share(net)
    lower = m._lower_bounds(net, share)
    assert lower["A"] + lower["B"] <= m.MAX_UNITS // 2  # feasible
    following = min(Fraction(math.ceil(share * u) + 1, u) for u in net.servable.values())
    after = m._lower_bounds(net, following)
    assert after["A"] + after["B"] > m.MAX_UNITS // 2  # and the next share is not
    # The logarithm of the unit count (about 20 bisections), not a million candidates.
    assert calls <= 2 * 21 + 8


# --- The bound the flow proves -----------------------------------------------------------


def two_requests_one_offer(weights: tuple[float, float]) -> dict[str, Any]:
    request = {"theme": "t", "languages": ["en"], "modalities": ["online"], "units": 3}
    return {
        "requests": [
            {**request, "id": "a", "state": "A", "weight": weights[0]},
            {**request, "id": "b", "state": "B", "weight": weights[1]},
        ],
        "offers": [an_offer(capacity=4)],
    }


def test_the_bound_holds_for_weights_the_solver_must_round() -> None:
    # A third cannot be scaled to an integer cost exactly; the bound is evaluated with the
    # exact weights, so it still bounds the true optimum (3 × 1/3 + 1 × 2/7, or the reverse).
    data = two_requests_one_offer((1 / 3, 2 / 7))
    solution = m.solve(m.parse_problem(data))
    optimum = 3 * (1 / 3) + 1 * (2 / 7)
    assert solution.objective == pytest.approx(optimum, rel=1e-12)
    assert solution.bound >= optimum - 1e-12
    assert solution.bound == pytest.approx(optimum, rel=1e-6)


def test_a_flow_that_is_not_optimal_proves_no_bound() -> None:
    # Send the offer's units to the lighter request: the residual network then has a negative
    # cycle (take a unit back from b, give it to a), and the certificate refuses to exist.
    problem = m.parse_problem(two_requests_one_offer((2.0, 1.0)))
    net = m._network(problem, m.compatibility(problem))
    solved = m._solve_flow(net, {}, with_costs=True)
    assert solved is not None
    assert m._certified_bound(solved) == pytest.approx(2.0 * 3 + 1.0 * 1)
    heavy, light = solved.pairs  # a ─▶ o, then b ─▶ o
    moved = int(solved.flows[heavy]) - 1
    solved.flows[heavy] -= moved
    solved.flows[light] += moved
    # Keep the path source ─▶ State ─▶ request of each pair consistent with its new flow.
    for pair, change in ((heavy, -moved), (light, moved)):
        node = solved.tails[pair]
        while node != net.source:
            (arc,) = [a for a in range(len(solved.tails)) if solved.heads[a] == node]
            solved.flows[arc] += change
            node = solved.tails[arc]
    with pytest.raises(RuntimeError, match="not optimal"):
        m._certified_bound(solved)
