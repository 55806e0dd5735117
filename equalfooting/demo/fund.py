"""Synthetic indicators, contributions, an allocation round, a project and proposals for the demo.

Every figure here is generated and labelled synthetic: the populations and incomes are not the
real ones. Deterministic (a fixed seed). The indicators come in through the import an operator
uses; the demo (`system:demo`) records the money and the round; Fiji's focal point proposes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from equalfooting.accounts.models import User
from equalfooting.demo.people import ACTOR, focal_point_of
from equalfooting.fund import allocation_rounds, indicators, proposals, services
from equalfooting.fund.models import Contributor, Indicator, PriorityEntry, Project, Proposal
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
    ("Synthetic Contributor State A", Contributor.Kind.STATE, "2000000.00", "USD", ""),
    ("Synthetic Contributor State B", Contributor.Kind.STATE, "1500000.00", "EUR", "incident"),
    ("Synthetic Contributor State C", Contributor.Kind.STATE, "1000000.00", "USD", ""),
    (
        "Synthetic Foundation (synthetic demo data)",
        Contributor.Kind.ORGANISATION,
        "750000.00",
        "USD",
        "skills",
    ),
    ("Synthetic Contributor State D", Contributor.Kind.STATE, "400000.00", "USD", ""),
]
UNPAID = "Synthetic Contributor State D"  # one pledge still awaits payment


def build(*, officer: str) -> None:
    if Indicator.objects.filter(is_synthetic=True).exists():
        return
    _indicators(random.Random(11))  # noqa: S311 - reproducible synthetic data, not secrets
    services.rate_record(
        actor=officer,
        currency="EUR",
        rate="1.0800",
        date=dt.date(2026, 1, 1),
        source="Synthetic demo rate, not a market rate",
    )
    for name, kind, amount, currency, theme in CONTRIBUTIONS:
        # No service registers a contributor: the Secretariat's pledge form names it, as here.
        contributor, _created = Contributor.objects.get_or_create(
            name=name, defaults={"kind": kind, "is_synthetic": True}
        )
        pledge = services.contribution_pledge(
            actor=officer, contributor=contributor, amount=amount, currency=currency, theme=theme
        )
        if name != UNPAID:
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
    # Projects are otherwise born of an approved proposal; no service makes one on its own, so
    # the demo's first project, funded from Kenya's envelope, is written directly.
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


def _indicators(rng: random.Random) -> None:
    """Generated population and GNI per capita for every State, imported as an operator would
    import the World Bank's figures (`equalfooting import-indicators --synthetic`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-indicators.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(indicators.LONG_HEADER)
            for state in State.objects.order_by("iso3"):
                low, high = INCOME_RANGES[state.income_group]
                population = int(10 ** rng.uniform(4.5, 8.5))
                gni = rng.randint(low, high)
                out.writerow([state.iso3, allocation_rounds.POPULATION, 2025, population, SOURCE])
                out.writerow([state.iso3, allocation_rounds.GNI_PER_CAPITA, 2025, gni, SOURCE])
        indicators.import_file(path=path, actor=ACTOR, synthetic=True)


def _proposals(officer: str) -> None:
    """A proposal under blind review by the demo reviewer, and one from the priority queue."""
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
    proposals.proposal_transition(actor=focal, proposal=proposal, target=Proposal.Status.SUBMITTED)
    proposals.reviewers_assign(actor=officer, proposal=proposal, reviewers=[reviewer])
    Proposal.objects.filter(pk=proposal.pk).update(is_synthetic=True)
    entry = PriorityEntry.objects.select_related("request__state").first()
    if entry is None:
        return
    state = entry.request.state
    other = focal_point_of(state)
    priority = proposals.proposal_create(
        actor=other,
        state=state,
        title="Assistance a provider could not give (synthetic)",
        summary="Synthetic demo data: priority queue, after a legal-restriction decline.",
        theme=entry.request.theme,
        amount="15000.00",
        priority_entry=entry,
    )
    proposals.proposal_transition(actor=other, proposal=priority, target=Proposal.Status.SUBMITTED)
    Proposal.objects.filter(pk=priority.pk).update(is_synthetic=True)
