"""Sponsorship of delegates: a call's budget moved from the fund by an audited ledger transfer,
focal points' applications, the places decided by the published rule, reproduced exactly by
`equalfooting sponsorship select` from the published file, and the aggregate results public."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from equalfooting.domain import sponsorship as rule
from equalfooting.fund import ledger
from equalfooting.programmes import events, sponsorship
from equalfooting.programmes.models import Event, SponsorshipApplication, SponsorshipCall
from tests import factories
from tests.conftest import subprocess_env

pytestmark = pytest.mark.django_db
Status = SponsorshipApplication.Status
SOON = timezone.now() + dt.timedelta(days=20)
COMMAND = [sys.executable, "-m", "equalfooting.cli", "sponsorship", "select"]


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def plenary(officer: Any) -> Event:
    factories.contribution_received(officer, amount="50000.00")
    made = events.event_save(
        actor=officer,
        title="Plenary session",
        kind=Event.Kind.PLENARY,
        time_zone="UTC",
        starts_at=(SOON + dt.timedelta(days=10)).strftime("%Y-%m-%dT10:00"),
        ends_at=(SOON + dt.timedelta(days=10)).strftime("%Y-%m-%dT17:00"),
        attendance=Event.Attendance.IN_PERSON,
        venue="United Nations Headquarters",
    )
    return events.event_transition(actor=officer, event=made, target=Event.Status.PUBLISHED)


@pytest.fixture
def call(officer: Any, plenary: Event) -> SponsorshipCall:
    return sponsorship.call_open(
        actor=officer, event=plenary, budget="6000.00", closes_at=SOON.strftime("%Y-%m-%dT12:00")
    )


def apply(person: Any, call: SponsorshipCall, iso3: str, rank: int, gender: str, cost: str) -> Any:
    state = person.roles.get().state
    assert state.iso3 == iso3
    return sponsorship.application_submit(
        actor=person,
        call=call,
        state=state,
        delegate=f"Delegate {iso3} {rank}",
        gender=gender,
        rank=rank,
        cost=cost,
    )


def test_opening_a_call_moves_its_budget_from_the_fund_by_an_audited_transfer(
    call: SponsorshipCall,
) -> None:
    assert ledger.balance(ledger.AVAILABLE) == Decimal("44000.00")
    assert ledger.balance(call.account) == Decimal("6000.00")
    assert call.account == f"sponsorship:{call.event.reference}"
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["programmes.sponsorship.opened", "fund.ledger.sponsorship"]


def test_a_budget_beyond_the_fund_or_a_bad_closing_time_writes_nothing(
    officer: Any, plenary: Event
) -> None:
    with pytest.raises(InvalidInput) as refused:
        sponsorship.call_open(
            actor=officer,
            event=plenary,
            budget="90000.00",
            closes_at=SOON.strftime("%Y-%m-%dT12:00"),
        )
    assert "budget" in refused.value.message_dict
    with pytest.raises(InvalidInput) as refused:
        sponsorship.call_open(
            actor=officer, event=plenary, budget="100", closes_at="2001-01-01T00:00"
        )
    assert "closes_at" in refused.value.message_dict
    assert not SponsorshipCall.objects.exists()
    assert ledger.balance(ledger.AVAILABLE) == Decimal("50000.00")


def test_only_a_states_own_focal_points_apply_for_it_while_the_call_is_open(
    call: SponsorshipCall, focal_point_ken: Any, focal_point_fra: Any, provider_rep: Any
) -> None:
    apply(focal_point_ken, call, "KEN", 1, "female", "2500.00")
    with pytest.raises(NotAllowed):
        sponsorship.application_submit(
            actor=focal_point_fra,
            call=call,
            state=focal_point_ken.roles.get().state,
            delegate="Someone",
            gender="male",
            rank=2,
            cost="100",
        )
    with pytest.raises(InvalidInput) as refused:
        apply(focal_point_ken, call, "KEN", 1, "male", "-5")
    assert {"rank", "cost"} <= set(refused.value.message_dict)
    assert SponsorshipApplication.objects.count() == 1


def test_the_places_follow_the_rule_and_the_command_reproduces_them_from_the_published_file(
    call: SponsorshipCall,
    officer: Any,
    focal_point_ken: Any,
    tmp_path: Path,
    client: Client,
) -> None:
    ethiopia = factories.focal_point("ETH")  # least developed and landlocked: the first tier
    nepal = factories.focal_point("NPL")
    apply(focal_point_ken, call, "KEN", 1, "male", "2000.00")
    apply(focal_point_ken, call, "KEN", 2, "male", "1500.00")
    apply(focal_point_ken, call, "KEN", 3, "female", "1500.00")
    apply(ethiopia, call, "ETH", 1, "female", "1800.00")
    apply(nepal, call, "NPL", 1, "male", "1900.00")
    with pytest.raises(InvalidInput):
        sponsorship.call_select(actor=officer, call=call)  # applications still open
    decided = sponsorship.call_select(actor=officer, call=call, now=SOON + dt.timedelta(hours=1))
    by_delegate = {
        a.delegate: (a.status, a.reason) for a in SponsorshipApplication.objects.filter(call=call)
    }
    # Ethiopia and Nepal (first tier) have their places before Kenya; Kenya's first delegate
    # then costs 2,000 of the 2,300 left, and no second place fits.
    assert by_delegate == {
        "Delegate ETH 1": (Status.SELECTED, rule.FIRST_PLACE),
        "Delegate NPL 1": (Status.SELECTED, rule.FIRST_PLACE),
        "Delegate KEN 1": (Status.SELECTED, rule.FIRST_PLACE),
        "Delegate KEN 2": (Status.NOT_SELECTED, rule.BUDGET_SPENT),
        "Delegate KEN 3": (Status.NOT_SELECTED, rule.BUDGET_SPENT),
    }
    # The unspent 300 went back to the fund.
    assert ledger.balance(decided.account) == Decimal("5700.00")
    assert ledger.balance(ledger.AVAILABLE) == Decimal("44300.00")

    # The published file names no State and no one, and the command reproduces the decisions.
    published = client.get(f"/en/calendar/{call.event_id}/sponsorship/selection.json")
    text = published.content.decode()
    assert "KEN" not in text and "Delegate" not in text
    source = tmp_path / "selection.json"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "decisions.json"
    run = subprocess.run(
        [*COMMAND, "--input", str(source), "--output", str(out)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text()) == decided.selection_result
    downloaded = client.get(f"/en/calendar/{call.event_id}/sponsorship/decisions.json")
    assert json.loads(downloaded.content) == decided.selection_result

    # A permutation of the applicants in the file changes no decision.
    data = json.loads(text)
    for seed in range(5):
        random.Random(seed).shuffle(data["applicants"])
        assert rule.result_json(*rule.parse(data)) == decided.selection_result

    # The public sees the aggregates, not the delegates.
    page = client.get(f"/en/calendar/{call.event_id}/").content.decode()
    assert "Applications: 5" in page and "Places: 3" in page and "States with a place: 3" in page
    assert "Delegate KEN" not in page
    with pytest.raises(TransitionNotAllowed):
        sponsorship.call_select(actor=officer, call=decided, now=SOON + dt.timedelta(days=1))


def test_applying_through_the_event_page(
    call: SponsorshipCall, focal_point_ken: Any, client: Client
) -> None:
    client.force_login(focal_point_ken)
    page = client.get(f"/ar/calendar/{call.event_id}/").content.decode()
    assert 'action="/ar/calendar/' in page and "sponsorship/apply/" in page
    answer = client.post(
        f"/en/calendar/{call.event_id}/sponsorship/apply/",
        {"delegate": "Amina Otieno", "gender": "female", "rank": "1", "cost": "2100.50"},
    )
    assert answer.status_code == 302
    made = SponsorshipApplication.objects.get()
    assert (made.state.iso3, made.cost) == ("KEN", Decimal("2100.50"))
    bad = client.post(
        f"/en/calendar/{call.event_id}/sponsorship/apply/",
        {"delegate": "", "gender": "female", "rank": "1", "cost": "abc"},
    )
    assert bad.status_code == 422
    assert SponsorshipApplication.objects.count() == 1
    client.post(f"/en/calendar/{call.event_id}/sponsorship/{made.pk}/withdraw/")
    assert SponsorshipApplication.objects.get().status == Status.WITHDRAWN
