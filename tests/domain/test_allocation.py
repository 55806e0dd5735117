"""Properties of the allocation formula (docs/methodology-allocation.md), on random inputs."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equalfooting.domain import allocation as a

CENT = Decimal("0.01")


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 12))
    states = [
        {
            "key": f"k{i:02d}",
            "need": draw(st.sampled_from([0, 0.05, 0.2, 0.35, 0.5, 0.75, 0.9, 1])),
            "size": draw(st.sampled_from([0.5, 1, 3, 10, 40, 200])),
            "gni_per_capita": draw(st.sampled_from([300, 900, 2500, 8000, 30000, 90000])),
            "groups": draw(
                st.lists(st.sampled_from(["LDC", "SIDS", "LLDC"]), max_size=2, unique=True)
            ),
        }
        for i in range(n)
    ]
    envelope = draw(st.integers(10_000, 5_000_000)) * 100 + draw(st.integers(0, 99))
    cap_share = draw(st.sampled_from(["0.25", "0.4", "0.6", "1"]))
    return {
        "envelope": f"{Decimal(envelope) / 100:.2f}",
        "base_share": draw(st.sampled_from(["0", "0.1", "0.3", "0.5"])),
        "alpha": draw(st.sampled_from(["0.5", "1", "2"])),
        "beta": draw(st.sampled_from(["0", "0.5", "1"])),
        "gamma": draw(st.sampled_from(["0", "0.125", "0.5"])),
        "floors": {"LDC": f"{Decimal(envelope) / 100 / n / 2:.2f}"} if draw(st.booleans()) else {},
        "cap_share": cap_share,
        "states": states,
    }


def run(data: dict[str, Any]) -> a.Result | None:
    try:
        return a.allocate(a.parse_inputs(data))
    except a.AllocationError:
        return None  # e.g. caps below the envelope: refused, checked separately


@settings(max_examples=200, deadline=None)
@given(inputs())
def test_the_sum_is_exact_and_floors_and_caps_hold(data: dict[str, Any]) -> None:
    result = run(data)
    if result is None:
        return
    assert result.total == Decimal(data["envelope"])
    assert sum(line.amount for line in result.lines) == Decimal(data["envelope"])
    for line in result.lines:
        assert line.amount >= line.lower - CENT
        assert line.amount <= line.upper + CENT
        assert line.amount == line.amount.quantize(CENT)


@settings(max_examples=200, deadline=None)
@given(inputs())
def test_formula_bound_states_get_needs_shares_proportional_to_their_scores(
    data: dict[str, Any],
) -> None:
    result = run(data)
    if result is None:
        return
    for line in result.lines:
        if line.binding == "formula":
            assert abs((line.amount - result.base) - result.level * line.score) <= CENT
        elif line.binding == "floor":
            assert result.base + result.level * line.score < line.lower
            assert line.amount - line.lower <= CENT
        else:
            assert result.base + result.level * line.score > line.upper
            assert line.upper - line.amount <= CENT


@settings(max_examples=100, deadline=None)
@given(inputs(), st.randoms(use_true_random=False))
def test_permuting_the_input_order_changes_nothing(
    data: dict[str, Any], rng: random.Random
) -> None:
    result = run(data)
    if result is None:
        return
    shuffled = {**data, "states": rng.sample(data["states"], len(data["states"]))}
    again = run(shuffled)
    assert again is not None
    assert {line.key: line.amount for line in result.lines} == {
        line.key: line.amount for line in again.lines
    }


@settings(max_examples=100, deadline=None)
@given(inputs())
def test_equal_inputs_get_amounts_within_a_cent(data: dict[str, Any]) -> None:
    twin = {**data["states"][0], "key": "zz-twin"}
    data = {**data, "states": [*data["states"], twin]}
    result = run(data)
    if result is None:
        return
    amounts = {line.key: line.amount for line in result.lines}
    assert abs(amounts[data["states"][0]["key"]] - amounts["zz-twin"]) <= CENT


@settings(max_examples=50, deadline=None)
@given(inputs())
def test_the_same_input_gives_byte_identical_output(data: dict[str, Any]) -> None:
    result = run(data)
    if result is None:
        return
    first = json.dumps(a.result_json(result), ensure_ascii=False)
    second = json.dumps(
        a.result_json(a.allocate(a.parse_inputs(json.loads(json.dumps(data))))), ensure_ascii=False
    )
    assert first == second


def test_the_needs_share_maximises_weighted_nash_welfare() -> None:
    """Moving a little money between two formula-bound States lowers Σ s·log(x − b)."""
    import math

    data = {
        "envelope": "1000000.00",
        "base_share": "0.2",
        "alpha": "1",
        "beta": "0.5",
        "gamma": "0.125",
        "floors": {},
        "cap_share": "1",
        "states": [
            {"key": f"k{i}", "need": n, "size": 10, "gni_per_capita": 1000, "groups": []}
            for i, n in enumerate([0.2, 0.5, 0.9])
        ],
    }
    result = a.allocate(a.parse_inputs(data))

    def welfare(xs: list[float]) -> float:
        return sum(
            float(line.score) * math.log(x - float(result.base))
            for line, x in zip(result.lines, xs, strict=True)
        )

    xs = [float(line.unrounded) for line in result.lines]
    best = welfare(xs)
    for i in range(3):
        for j in range(3):
            if i != j:
                moved = list(xs)
                moved[i] += 1000
                moved[j] -= 1000
                assert welfare(moved) < best


def test_floors_and_caps_bind_and_say_so() -> None:
    data = {
        "envelope": "1000.00",
        "base_share": "0.1",
        "alpha": "1",
        "beta": "0",
        "gamma": "0",
        "floors": {"LDC": "300.00"},
        "cap_share": "0.5",
        "states": [
            {"key": "a", "need": 0.01, "size": 1, "gni_per_capita": 1, "groups": ["LDC"]},
            {"key": "b", "need": 1, "size": 1, "gni_per_capita": 1, "groups": []},
            {"key": "c", "need": 0.05, "size": 1, "gni_per_capita": 1, "groups": []},
        ],
    }
    lines = {line.key: line for line in a.allocate(a.parse_inputs(data)).lines}
    assert (lines["a"].binding, lines["a"].amount) == ("floor", Decimal("300.00"))
    assert (lines["b"].binding, lines["b"].amount) == ("cap", Decimal("500.00"))
    assert lines["c"].binding == "formula" and lines["c"].amount == Decimal("200.00")
    assert "floor of LDC" in lines["a"].explanation and "cap" in lines["b"].explanation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"envelope": "-5"}, "envelope: must be > 0"),
        ({"envelope": "12.345"}, "envelope: must be an amount in cents"),
        ({"base_share": "1"}, "base_share: must be < 1"),
        ({"cap_share": "0.1"}, "cap_share: the caps add up to"),
        ({"floors": {"LDC": "900.00"}}, "floors: the lower bounds add up to"),
        ({"alpha": "many"}, "alpha: must be a number"),
        (
            {"states": [{"key": "a", "need": 2, "size": 1, "gni_per_capita": 1}]},
            "state 'a' need: must be ≤ 1",
        ),
        (
            {"states": [{"key": "a", "need": 0.5, "size": 0, "gni_per_capita": 1}]},
            "state 'a' size: must be > 0",
        ),
        (
            {"states": [{"key": "a", "need": 0.5, "size": 1, "gni_per_capita": 1}] * 2},
            "state 'a': duplicate key",
        ),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(change: dict[str, Any], message: str) -> None:
    data = {
        "envelope": "1000.00",
        "base_share": "0.1",
        "alpha": "1",
        "beta": "0",
        "gamma": "0",
        "floors": {"LDC": "100.00"},
        "cap_share": "0.5",
        "states": [
            {"key": k, "need": 0.5, "size": 1, "gni_per_capita": 1, "groups": ["LDC"]}
            for k in "abc"
        ],
    }
    with pytest.raises(a.AllocationError) as caught:
        a.allocate(a.parse_inputs({**data, **change}))
    assert str(caught.value).startswith(message)
