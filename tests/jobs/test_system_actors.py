"""System actors: the worker, the scheduler and the demo act under pseudo-roles of their own,
granted only what each needs, and never as a signed-in person."""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting import permissions


def test_system_actors_hold_their_own_pseudo_role() -> None:
    for actor in ("system:worker", "system:scheduler", "system:demo"):
        assert [role.kind for role in permissions.verified_roles(actor)] == [actor]
    # Any other string is nobody.
    for nobody in ("system:other", "secretariat", "user:1", ""):
        assert permissions.verified_roles(nobody) == []
        assert not permissions.can(nobody, "round.run")


def test_each_system_actor_may_do_only_what_it_needs() -> None:
    granted = {
        actor: {action for action, rule in permissions.RULES.items() if actor in rule}
        for actor in sorted(permissions.SYSTEM_ACTORS)
    }
    assert granted["system:worker"] == {
        "round.solve",
        "job.lease",
        "contact.check.send",
        "files.prepare",
    }
    assert granted["system:scheduler"] == {
        "deadline.sweep",
        "offer.expire",
        "files.prepare",
        "contact.check.launch",
        "activity.sync",
    }
    assert granted["system:demo"] == {
        "role.nominate.other",
        "request.step.secretariat",
        "contact.verify",
        "round.run",
        "fund.manage",
        "activity.propose",
        "activity.curate",
        "activity.sync",
        # the demo's calendar, its plenary's sponsorship call, its library
        "event.manage",
        "sponsorship.manage",
        "document.manage",
    }
    # Each right is really held: the actor passes the check, as no person pretends to.
    for actor, actions in granted.items():
        for action in actions:
            assert permissions.can(actor, action)
    # None of them decides on nominations or reads confidential audit payloads.
    for actor in permissions.SYSTEM_ACTORS:
        for action in ("role.decide", "audit.payload.view", "job.retry", "job.list"):
            assert not permissions.can(actor, action)


@pytest.mark.django_db
def test_no_person_may_do_the_workers_part(officer: Any, focal_point_ken: Any) -> None:
    for person in (officer, focal_point_ken):
        assert not permissions.can(person, "round.solve")
        assert not permissions.can(person, "job.lease")
    assert permissions.person("system:demo") is None
    assert permissions.person(officer) is officer
