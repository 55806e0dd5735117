"""Synthetic indicators, contributions, an allocation round and a project for the demo.

Every figure here is generated and labelled synthetic: the populations and incomes are not the
real ones. Deterministic (a fixed seed); everything goes through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from equalfooting.accounts.models import User
from equalfooting.fund import allocation_rounds, services
from equalfooting.fund.models import Contributor, Indicator, Project
from equalfooting.registry.models import State

SOURCE = "Synthetic demo data (generated, not real figures)"
# Generated GNI per capita ranges by the State's income group, in US dollars.
INCOME_RANGES = {
    "L": (300, 1100),
    "LM": (1200, 4500),
    "UM": (4600, 14000),
    "H": (14500, 90000),
    "": (1000, 30000),
}
CONTRIBUTIONS = [
    ("Synthetic Contributor State A", "state", "2000000.00", "USD", ""),
    ("Synthetic Contributor State B", "state", "1500000.00", "EUR", "incident"),
    ("Synthetic Contributor State C", "state", "1000000.00", "USD", ""),
    ("Synthetic Foundation (synthetic demo data)", "organisation", "750000.00", "USD", "skills"),
    ("Synthetic Contributor State D", "state", "400000.00", "USD", ""),
]


def build(*, officer: User) -> None:
    if Indicator.objects.filter(is_synthetic=True).exists():
        return
    rng = random.Random(11)  # noqa: S311 - reproducible synthetic data, not secrets
    for state in State.objects.order_by("iso3"):
        low, high = INCOME_RANGES[state.income_group]
        Indicator.objects.create(
            state=state,
            code=allocation_rounds.POPULATION,
            year=2025,
            source=SOURCE,
            value=Decimal(int(10 ** rng.uniform(4.5, 8.5))),
            is_synthetic=True,
        )
        Indicator.objects.create(
            state=state,
            code=allocation_rounds.GNI_PER_CAPITA,
            year=2025,
            source=SOURCE,
            value=Decimal(rng.randint(low, high)),
            is_synthetic=True,
        )
    services.rate_record(
        actor=officer,
        currency="EUR",
        rate="1.0800",
        date=dt.date(2026, 1, 1),
        source="Synthetic demo rate, not a market rate",
    )
    for name, kind, amount, currency, theme in CONTRIBUTIONS:
        contributor, _created = Contributor.objects.get_or_create(
            name=name, defaults={"kind": kind, "is_synthetic": True}
        )
        pledge = services.contribution_pledge(
            actor=officer, contributor=contributor, amount=amount, currency=currency, theme=theme
        )
        if name != "Synthetic Contributor State D":  # one pledge still awaits payment
            services.contribution_receive(actor=officer, contribution=pledge)
    round_ = allocation_rounds.round_prepare(
        actor=officer,
        envelope="5000000.00",
        base_share="0.2",
        alpha="1",
        beta="0.5",
        gamma="0.125",
        floors={"LDC": "30000.00", "SIDS": "20000.00"},
        cap_share="0.02",
    )
    allocation_rounds.round_publish(actor=officer, round_=round_)
    kenya = State.objects.get(iso3="KEN")
    project = Project.objects.create(
        state=kenya, title="National CSIRT capacity (synthetic)", is_synthetic=True
    )
    envelope = round_.allocations.get(state=kenya).amount
    project = services.project_commit(
        actor=officer, project=project, amount=f"{(envelope / 2).quantize(Decimal('0.01'))}"
    )
    services.project_disburse(
        actor=officer,
        project=project,
        amount=f"{(project.committed / 3).quantize(Decimal('0.01'))}",
        memo="first tranche (synthetic)",
    )
    _proposals(officer)


def _proposals(officer: User) -> None:
    """A proposal under blind review by the demo reviewer, and one from the priority queue."""
    from equalfooting.fund import proposals
    from equalfooting.fund.models import PriorityEntry, Proposal

    fiji = State.objects.get(iso3="FJI")
    focal = User.objects.get(username="demo-focal-fji")
    reviewer = User.objects.get(username="demo-reviewer")
    proposal = proposals.proposal_create(
        actor=focal,
        state=fiji,
        title="Incident response exercises for the national CSIRT (synthetic)",
        summary="Synthetic demo data: two regional exercises and follow-up coaching.",
        theme="incident",
        amount="25000.00",
    )
    proposals.proposal_transition(actor=focal, proposal=proposal, target="submitted")
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    Proposal.objects.filter(pk=proposal.pk).update(is_synthetic=True)
    entry = PriorityEntry.objects.select_related("request__state").first()
    if entry is not None:
        state = entry.request.state
        other = User.objects.filter(
            roles__state=state, roles__kind="focal_point", roles__status="verified"
        ).first()
        priority = proposals.proposal_create(
            actor=other,
            state=state,
            title="Assistance a provider could not give (synthetic)",
            summary="Synthetic demo data: priority queue, after a legal-restriction decline.",
            theme=entry.request.theme,
            amount="15000.00",
            priority_entry=entry,
        )
        proposals.proposal_transition(actor=other, proposal=priority, target="submitted")
        Proposal.objects.filter(pk=priority.pk).update(is_synthetic=True)
