"""Synthetic providers, offers and one published matching round for the demo.

Deterministic and marked synthetic. The demo (`system:demo`) registers the providers and runs
the round, as the Secretariat would; each provider's representative makes and publishes its
offers; States and providers then decide on some of the proposed matches.
"""

from __future__ import annotations

import datetime as dt
import random

from equalfooting.accounts.models import Role, User
from equalfooting.accounts.services import role_grant_system
from equalfooting.core.errors import InvalidInput
from equalfooting.demo.people import (
    ACADEMY,
    ACTOR,
    focal_point_of,
    synthetic_provider,
    synthetic_user,
)
from equalfooting.jobs.services import job_run_now
from equalfooting.matchmaking import services as rounds
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs import framework as fw
from equalfooting.needs.principles import CODES as PRINCIPLES
from equalfooting.offers import services
from equalfooting.offers.models import Offer, Provider

PROVIDERS = [
    (ACADEMY, Provider.Kind.ACADEMIA, "demo-provider"),
    (
        "Synthetic National CERT Network (synthetic demo data)",
        Provider.Kind.STATE,
        "demo-prov-cert",
    ),
    ("Synthetic UN Training Entity (synthetic demo data)", Provider.Kind.UN_ENTITY, "demo-prov-un"),
    ("Synthetic Regional Centre (synthetic demo data)", Provider.Kind.REGIONAL, "demo-prov-region"),
    (
        "Synthetic Security Company (synthetic demo data)",
        Provider.Kind.INDUSTRY,
        "demo-prov-industry",
    ),
    (
        "Synthetic Civil Society Network (synthetic demo data)",
        Provider.Kind.CIVIL_SOCIETY,
        "demo-prov-cso",
    ),
]
WAITING_STATE = "KEN"
LANGUAGE_SETS = [
    ["en", "fr"],
    ["en", "ar"],
    ["es", "en", "pt"],
    ["ru", "en"],
    ["fr", "ar"],
    ["zh", "en"],
]


def build(*, password: str, officer: str) -> None:
    if Offer.objects.filter(is_synthetic=True).exists():
        return
    rng = random.Random(7)  # noqa: S311 - reproducible synthetic data, not secrets
    themes = [d.code for d in fw.load().dimensions]
    for index, (name, kind, username) in enumerate(PROVIDERS):
        provider = synthetic_provider(officer=officer, name=name, kind=kind)
        user = synthetic_user(username, password)
        role_grant_system(actor=ACTOR, user=user, kind=Role.Kind.PROVIDER, provider=provider)
        for n in range(3):
            theme = themes[(index + n) % len(themes)]
            kind_of = rng.choice(["training", "advisory", "exercise"])
            unit = "trainee_places" if kind_of == "training" else "expert_days"
            start = dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(120))
            offer = services.offer_create(
                actor=user,
                provider=provider,
                title=f"{kind_of.capitalize()} on {theme} (synthetic)",
                themes=[theme, themes[(index + n + 3) % 6]],
                kind=kind_of,
                capacity=rng.randint(20, 80),
                unit=unit,
                languages=LANGUAGE_SETS[(index + n) % len(LANGUAGE_SETS)],
                modalities=rng.sample(["online", "in_person", "hybrid"], k=2),
                available_from=start,
                available_until=start + dt.timedelta(days=300),
                description="Synthetic demo data: a generated offer, open to every State.",
                principles={code: True for code in PRINCIPLES},
            )
            Offer.objects.filter(pk=offer.pk).update(is_synthetic=True)
            services.offer_transition(actor=user, offer=offer, target=Offer.Status.PUBLISHED)
    # The round is solved by a job; the demo needs it now, so runs the job here, as a worker.
    job = job_run_now(rounds.round_open(actor=officer, fairness="max-min-state"))
    if job.status != job.Status.SUCCESSFUL:
        raise InvalidInput({"round": job.reason})
    round_ = Round.objects.get(pk=job.outcome["id"])
    rounds.round_publish(actor=officer, round_=round_)
    _decisions(round_)


def _decisions(round_: Round) -> None:
    """A few decisions, so every outcome shows: agreed, declined by the State, and declined by a
    provider for a legal restriction (which sends the request to the fund's priority queue)."""
    matches = (
        Match.objects.filter(round=round_)
        .select_related("request__state", "offer__provider")
        # Kenya's matches wait for its focal point (demo-focal-ken), so the first login a
        # newcomer tries has a match to answer on its work page.
        .exclude(request__state__iso3=WAITING_STATE)
    )
    for n, match in enumerate(matches[:8]):
        focal = focal_point_of(match.request.state)
        rep = User.objects.filter(
            roles__provider=match.offer.provider, roles__status=Role.Status.VERIFIED
        ).first()
        if n == 5:
            rounds.match_state_decide(
                actor=focal,
                match=match,
                accept=False,
                reason=Match.StateDeclineReason.MET_ELSEWHERE,
                note="Synthetic demo data.",
            )
        elif n == 6:
            rounds.match_provider_decide(
                actor=rep,
                match=match,
                confirm=False,
                reason=Match.DeclineReason.LEGAL_RESTRICTION,
                note="Synthetic demo data.",
            )
        elif n < 5:
            rounds.match_state_decide(actor=focal, match=match, accept=True)
            if n < 4:
                rounds.match_provider_decide(actor=rep, match=match, confirm=True)
