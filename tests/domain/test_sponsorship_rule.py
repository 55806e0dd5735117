"""The sponsorship selection rule (domain.sponsorship): tiers, need, one place per State
before any second, the other gender for a second place, the budget's end; and no decision
changes when the applicants are listed in another order."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equalfooting.domain import sponsorship as rule


def applicant(key: str, state: str, **change: Any) -> dict[str, Any]:
    return {
        "key": key,
        "state": state,
        "priority": False,
        "need": "0.5",
        "rank": 1,
        "gender": "female",
        "cost": "1000.00",
        **change,
    }


def decide(budget: str, applicants: list[dict[str, Any]]) -> dict[str, tuple[bool, str, Any]]:
    result = rule.result_json(*rule.parse({"budget": budget, "applicants": applicants}))
    return {d["key"]: (d["sponsored"], d["reason"], d["order"]) for d in result["decisions"]}


def test_the_priority_tier_comes_first_then_need_then_the_states_key() -> None:
    decided = decide(
        "3000.00",
        [
            applicant("A1", "S9", need="0.9"),  # not in the tier, however great its need
            applicant("A2", "S5", priority=True, need="0.2"),
            applicant("A3", "S2", priority=True, need="0.7"),
            applicant("A4", "S1", priority=True, need="0.2"),  # ties S5 on need: S1 < S5
        ],
    )
    assert decided == {
        "A3": (True, rule.FIRST_PLACE, 1),
        "A4": (True, rule.FIRST_PLACE, 2),
        "A2": (True, rule.FIRST_PLACE, 3),
        "A1": (False, rule.BUDGET_SPENT, None),
    }


def test_every_state_has_a_first_place_before_any_has_a_second() -> None:
    decided = decide(
        "3000.00",
        [
            applicant("A1", "S1", priority=True, need="0.9", rank=1),
            applicant("A2", "S1", priority=True, need="0.9", rank=2),
            applicant("A3", "S2", need="0.1"),
            applicant("A4", "S3", need="0.1"),
        ],
    )
    assert [k for k, (selected, _r, _o) in sorted(decided.items()) if selected] == [
        "A1",
        "A3",
        "A4",
    ]
    assert decided["A2"] == (False, rule.BUDGET_SPENT, None)


def test_a_second_place_goes_to_the_other_gender_where_one_applied() -> None:
    decided = decide(
        "10000.00",
        [
            applicant("A1", "S1", rank=1, gender="male"),
            applicant("A2", "S1", rank=2, gender="male"),
            applicant("A3", "S1", rank=3, gender="female"),
            applicant("A4", "S2", rank=1, gender="female"),
            applicant("A5", "S2", rank=2, gender="female"),
            applicant("A6", "S3", rank=1, gender="not_stated"),
            applicant("A7", "S3", rank=2, gender="male"),
        ],
    )
    assert decided["A3"] == (True, rule.SECOND_PLACE, 4)  # over A2, ranked higher
    assert decided["A2"] == (False, rule.STATE_FULL, None)
    assert decided["A5"][:2] == (True, rule.SECOND_PLACE)  # no other gender applied
    assert decided["A7"][:2] == (True, rule.SECOND_PLACE)  # first's gender not stated


def test_the_first_place_the_budget_cannot_pay_ends_the_selection() -> None:
    decided = decide(
        "2500.00",
        [
            applicant("A1", "S1", need="0.9", cost="1000.00"),
            applicant("A2", "S2", need="0.8", cost="2000.00"),
            applicant("A3", "S3", need="0.7", cost="100.00"),  # cheap, but after A2
        ],
    )
    assert decided["A1"][0] and not decided["A2"][0] and not decided["A3"][0]
    result = rule.result_json(
        *rule.parse({"budget": "2500.00", "applicants": [applicant("A1", "S1")]})
    )
    assert (result["spent"], result["left"], result["places"]) == ("1000.00", "1500.00", 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget": "-1"}, "budget"),
        ({"budget": "10.001"}, "budget"),
        ({"applicants": [applicant("A1", "S1", cost="0")]}, "applicant 'A1' cost"),
        ({"applicants": [applicant("A1", "S1", gender="x")]}, "applicant 'A1' gender"),
        ({"applicants": [applicant("A1", "S1", need="2")]}, "applicant 'A1' need"),
        ({"applicants": [applicant("A1", "S1", rank=0)]}, "applicant 'A1' rank"),
        ({"applicants": [applicant("A1", "S1"), applicant("A1", "S2")]}, "applicant 'A1'"),
        (
            {"applicants": [applicant("A1", "S1"), applicant("A2", "S1", need="0.9")]},
            "applicant 'A2'",
        ),
        ({"applicants": [{"state": "S1"}]}, "applicant 1 key"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(rule.SelectionError) as refused:
        rule.parse({"budget": "1000.00", "applicants": [], **change})
    assert refused.value.where == field


states = st.sampled_from([f"S{n}" for n in range(1, 8)])
applicants = st.lists(
    st.tuples(
        states,
        st.integers(1, 4),
        st.sampled_from(rule.GENDERS),
        st.integers(1, 30).map(lambda n: f"{n * 100}.00"),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(applicants, st.integers(0, 8000), st.randoms(use_true_random=False))
def test_a_permutation_of_the_applicants_changes_no_decision(
    drawn: list[tuple[str, int, str, str]], budget: int, shuffle: random.Random
) -> None:
    tiers = {f"S{n}": (n % 3 == 0, f"0.{n % 4}") for n in range(1, 8)}
    listed = [
        applicant(
            f"A{i:03d}",
            state,
            priority=tiers[state][0],
            need=tiers[state][1],
            rank=rank,
            gender=gender,
            cost=cost,
        )
        for i, (state, rank, gender, cost) in enumerate(drawn)
    ]
    before = decide(f"{budget + 1}.00", listed)
    shuffle.shuffle(listed)
    assert decide(f"{budget + 1}.00", listed) == before
    # And the rule's promises hold: at most two places a State, within the budget.
    places: dict[str, int] = {}
    spent = Decimal(0)
    for a in listed:
        if before[a["key"]][0]:
            places[a["state"]] = places.get(a["state"], 0) + 1
            spent += Decimal(a["cost"])
    assert all(n <= rule.MOST_PER_STATE for n in places.values())
    assert spent <= budget + 1
