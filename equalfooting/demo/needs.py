"""Synthetic self-assessments, requests and points of contact for the demo.

Deterministic (a fixed seed), so every demo shows the same scenario, and marked synthetic. Each
State's focal point assesses, asks and nominates contacts; the demo (`system:demo`) screens and
verifies, as the Secretariat would.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from equalfooting import permissions
from equalfooting.accounts.models import Role, User
from equalfooting.accounts.services import role_grant_system
from equalfooting.contacts.models import CheckRound, ContactCheck, PointOfContact
from equalfooting.contacts.services import contact_nominate, contact_verify
from equalfooting.demo.people import ACTOR, FOCAL_POINTS, focal_point_of, synthetic_user
from equalfooting.needs import framework as fw
from equalfooting.needs import services, workflow
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.needs.principles import CODES as PRINCIPLES
from equalfooting.registry.models import State

SEED = 2026
STATE_COUNT = 36
NOTE = "Synthetic demo data."
Status = AssistanceRequest.Status
Visibility = Assessment.Visibility
TITLES = {
    "policy": "Support to draft a national cybersecurity strategy",
    "legal": "Review of cybercrime legislation",
    "incident": "Training for the national CSIRT",
    "skills": "Cybersecurity awareness programme",
    "standards": "Adoption of security standards for government systems",
    "cooperation": "Participation in regional confidence-building measures",
}
# How far along the workflow the demo's requests go, by weight.
FINAL_STATUSES = [
    (Status.DRAFT, 2),
    (Status.SUBMITTED, 3),
    (Status.SCREENING, 2),
    (Status.OPEN, 6),
    (Status.PARTLY_MATCHED, 2),
    (Status.MATCHED, 2),
    (Status.IN_DELIVERY, 2),
    (Status.COMPLETED, 2),
    (Status.WITHDRAWN, 1),
    (Status.CLOSED_UNMET, 1),
]
# Plausible languages of instruction by M49 sub-region (then region), for generated requests.
STATE_LANGUAGES = {
    "015": ["ar", "fr", "en"],
    "145": ["ar", "en"],
    "030": ["zh", "en"],
    "143": ["ru", "en"],
    "151": ["ru", "en"],
    "034": ["en"],
    "035": ["en", "fr"],
    "419": ["es", "en", "pt"],
    "021": ["en", "fr"],
    "202": ["fr", "en", "pt"],
    "154": ["en"],
    "039": ["en", "fr"],
    "155": ["fr", "en"],
    "009": ["en", "fr"],
}
UNITS = {"training": "trainee_places", "funding": "amount", "equipment": "amount"}


def _focal_point(state: State, password: str) -> User:
    user = synthetic_user(f"demo-fp-{state.iso3.lower()}", password)
    role_grant_system(
        actor=ACTOR,
        user=user,
        kind=Role.Kind.FOCAL_POINT,
        state=state,
        focal_kind=Role.FocalKind.TECHNICAL,
    )
    return user


def _path_to(status: str) -> list[str]:
    """The shortest walk through the workflow from a draft to this status."""
    routes: list[list[str]] = [[Status.DRAFT]]
    while routes:
        route = routes.pop(0)
        if route[-1] == status:
            return route
        routes += [[*route, t] for t, _s in workflow.next_steps(route[-1]) if t not in route]
    return [Status.DRAFT]


def build(*, password: str, officer: str) -> None:
    if AssistanceRequest.objects.filter(is_synthetic=True).exists():
        return  # already built: the demo is safe to run again
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    framework = fw.load()
    states = list(State.objects.order_by("iso3"))
    chosen = sorted(rng.sample(states, STATE_COUNT), key=lambda s: s.iso3)
    chosen += [
        s for s in State.objects.filter(iso3__in=[fp[1] for fp in FOCAL_POINTS]) if s not in chosen
    ]
    statuses = [s for s, w in FINAL_STATUSES for _ in range(w)]
    for state in chosen:
        fp = _focal_point(state, password)
        if state.iso3 == "KEN":
            fp = User.objects.get(username="demo-focal-ken")
        answers = {i.code: {"stage": rng.randint(1, 4), "note": NOTE} for i in framework.indicators}
        targets = {d.code: rng.randint(3, 5) for d in framework.dimensions}
        draft = services.assessment_save_draft(
            actor=fp, state=state, answers=answers, targets=targets
        )
        visibility = rng.choice(
            [Visibility.PRIVATE, Visibility.PROVIDERS, Visibility.PUBLIC, Visibility.PUBLIC]
        )
        assessment = services.assessment_submit(actor=fp, assessment=draft, visibility=visibility)
        Assessment.objects.filter(pk=assessment.pk).update(is_synthetic=True)
        gaps_by_theme: dict[str, list[str]] = {}
        for i in framework.indicators:
            if answers[i.code]["stage"] < targets[i.dimension]:  # type: ignore[operator]
                gaps_by_theme.setdefault(i.dimension, []).append(i.code)
        for _n in range(rng.randint(1, 3)):
            _request(rng, state, fp, officer, framework, gaps_by_theme, statuses)
    # The contacts draw on the same seeded sequence, after the requests.
    _contacts(rng, chosen[:24], officer)


def _request(
    rng: random.Random,
    state: State,
    fp: User,
    officer: str,
    framework: Any,
    gaps_by_theme: dict[str, list[str]],
    statuses: Sequence[str],
) -> None:
    """One request, taken along the workflow to a status drawn by weight."""
    theme = rng.choice([d.code for d in framework.dimensions])
    kind = rng.choice(AssistanceRequest.Kind.values)
    unit = UNITS.get(kind, "expert_days")
    units = rng.randint(5, 40) if unit != "amount" else rng.randrange(10_000, 200_000, 5_000)
    start = dt.date(2027, rng.randint(1, 9), 1)
    pool = STATE_LANGUAGES.get(state.subregion_id) or STATE_LANGUAGES.get(state.region_id, ["en"])
    request = services.request_create(
        actor=fp,
        state=state,
        title=f"{TITLES[theme]} (synthetic)",
        theme=theme,
        kind=kind,
        units=units,
        unit=unit,
        languages=rng.sample(pool, k=rng.randint(1, min(2, len(pool)))),
        modalities=rng.sample(AssistanceRequest.Modality.values, k=rng.randint(1, 2)),
        desired_start=start,
        desired_end=start + dt.timedelta(days=rng.randint(30, 240)),
        urgency=rng.choice(AssistanceRequest.Urgency.values),
        description=f"{NOTE} Generated for the demonstration; no real State's needs.",
        gaps=gaps_by_theme.get(theme, [])[:2],
        principles={code: rng.random() < 0.85 for code in PRINCIPLES},
    )
    AssistanceRequest.objects.filter(pk=request.pk).update(is_synthetic=True)
    route = _path_to(rng.choice(statuses))
    for source, target in itertools.pairwise(route):
        step = workflow.step(source, target)
        assert step is not None
        actor = fp if step.role == workflow.FOCAL_POINT else officer
        request = services.request_transition(
            actor=actor,
            request=request,
            target=target,
            reason=NOTE if step.needs_reason else "",
        )


def _contacts(rng: random.Random, states: list[State], officer: str) -> None:
    """Two contacts per State, most verified, and one past check round with its answers."""
    verified = []
    for index, state in enumerate(states):
        fp = focal_point_of(state)
        for kind in PointOfContact.Kind.values:
            contact = contact_nominate(
                actor=fp,
                state=state,
                kind=kind,
                name=f"Synthetic Contact {state.iso3}-{kind[0].upper()}",
                position="Synthetic demo data",
                email=f"poc-{kind}-{state.iso3.lower()}@demo.invalid",
            )
            PointOfContact.objects.filter(pk=contact.pk).update(is_synthetic=True)
            if index % 6 != 5:  # a few stay awaiting verification
                verified.append(contact_verify(actor=officer, contact=contact))
    # One past check round, with its answers over the following days. The service
    # (`check_round_launch`) would e-mail every contact now and keep the one-time links secret,
    # so a round in the past cannot be made through it: the demo writes the round directly.
    check_round = CheckRound.objects.create(
        launched_by=permissions.person(officer), note="Synthetic demo data"
    )
    sent = timezone.now() - dt.timedelta(days=10)
    CheckRound.objects.filter(pk=check_round.pk).update(launched_at=sent)
    for n, contact in enumerate(verified):
        hours = rng.choice([2, 5, 12, 20, 30, 50, 70, 100, None])
        ContactCheck.objects.create(
            round=check_round,
            contact=contact,
            token_hash=f"demo{n:060d}",
            sent_at=sent,
            acknowledged_at=sent + dt.timedelta(hours=hours) if hours is not None else None,
        )
