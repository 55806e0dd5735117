"""Test data, built as the mechanism's people build it: through the services.

Each function makes one thing a test needs by calling the same services the pages and the API
call, so test data obey the same rules and leave the same audit entries as real data. A new test
needs a few lines of setup:

    officer = factories.officer()
    fp = factories.focal_point("KEN")
    request = factories.assistance_request(fp, officer=officer, status=Status.OPEN)

Where no service exists the function says so and writes the row itself: an account with a
password (accounts are otherwise made by a nomination, without one) and a contributor (the
Secretariat's pledge form names it).
"""

from __future__ import annotations

import csv
import itertools
import tempfile
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.test import Client
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting import permissions
from equalfooting.accounts.models import Role, User
from equalfooting.accounts.services import role_grant_system, role_nominate, two_factor_pass
from equalfooting.fund import indicators as fund_indicators
from equalfooting.fund import proposals
from equalfooting.fund.models import Contribution, Contributor, Proposal
from equalfooting.fund.services import contribution_pledge, contribution_receive
from equalfooting.matchmaking import services as matchmaking
from equalfooting.matchmaking.models import Round
from equalfooting.needs import framework as fw
from equalfooting.needs import workflow
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.needs.services import (
    assessment_save_draft,
    assessment_submit,
    request_create,
    request_transition,
)
from equalfooting.offers.models import Offer, Provider
from equalfooting.offers.services import offer_create, offer_transition, provider_create
from equalfooting.programmes import services as activity_services
from equalfooting.programmes.models import Activity
from equalfooting.registry.models import State

PASSWORD = "a-long-test-password-1"  # every test account signs in with it
SYSTEM = "system:test"
REASON = "for the record"

VALID_REQUEST: dict[str, Any] = {
    "title": "Incident response training",
    "theme": "incident",
    "kind": "training",
    "units": 12,
    "unit": "trainee_places",
    "languages": ["en", "fr"],
    "modalities": ["online"],
    "desired_start": "2027-03-01",
    "desired_end": "2027-06-30",
    "urgency": "high",
    "description": "Training for the national CSIRT's analysts.",
    "gaps": [],
    "principles": {"demand_driven": True, "universal": True},
}
VALID_OFFER: dict[str, Any] = {
    "title": "Incident handling course",
    "themes": ["incident"],
    "kind": "training",
    "capacity": 20,
    "unit": "trainee_places",
    "languages": ["en", "fr"],
    "modalities": ["online", "hybrid"],
    "available_from": "2027-01-01",
    "available_until": "2027-12-31",
    "description": "A five-day course for CSIRT analysts.",
    "principles": {"universal": True},
}


def _state(state: State | str) -> State:
    return state if isinstance(state, State) else State.objects.get(iso3=state)


# People and their roles.


def user(username: str, **extra: Any) -> User:
    """An account that signs in with PASSWORD. No service makes one: a nomination makes an
    account without a password, and the nominee sets it from the welcome e-mail."""
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


def role(holder: User, kind: str, **binding: Any) -> Role:
    """A verified role, granted as an operator's command grants one (audited)."""
    if kind == Role.Kind.FOCAL_POINT:
        binding.setdefault("focal_kind", Role.FocalKind.DIPLOMATIC)
    granted = role_grant_system(actor=SYSTEM, user=holder, kind=kind, **binding)
    permissions.forget_roles(holder)
    return granted


def nomination(*, by: User, email: str, kind: str, **binding: Any) -> Role:
    """A nomination awaiting the Secretariat, made by `by` (a focal point of the State for a
    focal point; a Secretariat officer who passed 2FA for any other role)."""
    if kind == Role.Kind.FOCAL_POINT:
        binding.setdefault("focal_kind", Role.FocalKind.TECHNICAL)
    return role_nominate(actor=by, email=email, kind=kind, **binding)


def focal_point(state: State | str, username: str | None = None, **binding: Any) -> User:
    """A verified focal point of the State (diplomatic unless `focal_kind` says otherwise)."""
    state = _state(state)
    holder = user(username or f"fp-{state.iso3.lower()}")
    role(holder, Role.Kind.FOCAL_POINT, state=state, **binding)
    return holder


def secretariat(username: str = "secretariat") -> User:
    """A Secretariat officer who has not passed two-factor authentication (so holds no right)."""
    holder = user(username)
    role(holder, Role.Kind.SECRETARIAT)
    return holder


def reviewer(username: str = "reviewer") -> User:
    """An appointed reviewer who has not passed two-factor authentication."""
    holder = user(username)
    role(holder, Role.Kind.REVIEWER)
    return holder


def totp_device(holder: User) -> TOTPDevice:
    """The user's confirmed TOTP device, enrolled now if it has none."""
    device = TOTPDevice.objects.filter(user=holder, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=holder, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the device's owner would read now. A device accepts each time step once, so
    after a code was used in this step it is the next step's, which the device's tolerance of
    one step accepts."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def passed_two_factor(holder: User) -> User:
    """The same user object, having passed 2FA with a real TOTP code (as in a signed-in
    session that did)."""
    device = totp_device(holder)
    return two_factor_pass(user=holder, token=current_code(device))


def officer(username: str = "secretariat") -> User:
    """A Secretariat officer who has passed two-factor authentication."""
    return passed_two_factor(secretariat(username))


def login_with_2fa(client: Client, holder: User) -> None:
    """Sign in with password and a real TOTP code, as a person would."""
    device = totp_device(holder)
    response = client.post(
        "/en/account/login/", {"username": holder.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    response = client.post("/en/account/2fa/verify/", {"token": current_code(device)})
    assert response.status_code == 302, response.content


def provider(
    *, officer: User, name: str = "Test Academy", kind: str = Provider.Kind.ACADEMIA
) -> Provider:
    """A provider organisation, registered by the Secretariat."""
    return provider_create(actor=officer, name=name, kind=kind)


def provider_representative(of: Provider, username: str = "provider-rep") -> User:
    """A verified representative of the provider."""
    holder = user(username)
    role(holder, Role.Kind.PROVIDER, provider=of)
    return holder


# What they make.


def answers(stage: int = 2, note: str = "") -> dict[str, Any]:
    """An answer to every indicator of the framework, all at one stage."""
    return {i.code: {"stage": stage, "note": note} for i in fw.load().indicators}


def submitted_assessment(
    focal_point: User,
    state: State | str,
    *,
    visibility: str = Assessment.Visibility.PRIVATE,
    stage: int = 2,
    note: str = "",
    targets: dict[str, Any] | None = None,
) -> Assessment:
    """The State's self-assessment, answered at one stage and submitted."""
    draft = assessment_save_draft(
        actor=focal_point, state=_state(state), answers=answers(stage, note), targets=targets or {}
    )
    return assessment_submit(actor=focal_point, assessment=draft, visibility=visibility)


def path_to(status: str) -> list[str]:
    """The shortest walk through the request workflow from a draft to this status."""
    queue: deque[list[str]] = deque([[AssistanceRequest.Status.DRAFT]])
    while queue:
        route = queue.popleft()
        if route[-1] == status:
            return route
        for target, _step in workflow.next_steps(route[-1]):
            if target not in route:
                queue.append([*route, target])
    raise AssertionError(f"{status} cannot be reached")


def assistance_request(
    focal_point: User,
    state: State | str | None = None,
    *,
    status: str = AssistanceRequest.Status.DRAFT,
    officer: User | None = None,
    route: list[str] | None = None,
    reason: str = REASON,
    **change: Any,
) -> AssistanceRequest:
    """A request of the State (the focal point's own by default), walked along the workflow
    to `status` (by the shortest route, or `route`), each step by the role the table names;
    the Secretariat's steps need `officer`."""
    if state is None:
        state = focal_point.roles.get(kind=Role.Kind.FOCAL_POINT).state
        assert state is not None
    made = request_create(actor=focal_point, state=_state(state), **{**VALID_REQUEST, **change})
    for source, target in itertools.pairwise(route or path_to(status)):
        step = workflow.step(source, target)
        assert step is not None, f"{source} -> {target} is not in the workflow"
        actor = focal_point if step.role == workflow.FOCAL_POINT else officer
        assert actor is not None, f"{source} -> {target} is the Secretariat's: pass officer="
        made = request_transition(
            actor=actor, request=made, target=target, reason=reason if step.needs_reason else ""
        )
    return made


def published_offer(representative: User, of: Provider, **change: Any) -> Offer:
    """An offer made by the provider's representative and published."""
    made = offer_create(actor=representative, provider=of, **{**VALID_OFFER, **change})
    return offer_transition(actor=representative, offer=made, target=Offer.Status.PUBLISHED)


def opened_round(officer: User, *, fairness: str = "none") -> Round:
    """A matching round over the open requests and published offers, solved: opening it queues
    a job, which the tests' backend runs at once (tests/conftest.py)."""
    job = matchmaking.round_open(actor=officer, fairness=fairness)
    assert job.status == job.Status.SUCCESSFUL, job.reason
    return Round.objects.get(pk=job.outcome["id"])


def published_round(officer: User, *, fairness: str = "none") -> Round:
    """A matching round over the open requests and published offers, run and published."""
    return matchmaking.round_publish(actor=officer, round_=opened_round(officer, fairness=fairness))


def contribution_received(
    officer: User,
    *,
    amount: str,
    currency: str = "USD",
    contributor: str = "Donor",
    kind: str = Contributor.Kind.STATE,
    **pledge: Any,
) -> Contribution:
    """A contribution pledged and received. The contributor is written directly: no service
    registers one (the Secretariat's pledge form names it)."""
    giver, _created = Contributor.objects.get_or_create(name=contributor, defaults={"kind": kind})
    pledged = contribution_pledge(
        actor=officer, contributor=giver, amount=amount, currency=currency, **pledge
    )
    return contribution_receive(actor=officer, contribution=pledged)


def indicators(rows: Iterable[tuple[str, str, int, Any, str]], *, synthetic: bool = False) -> None:
    """Indicator values as (iso3, code, year, value, source), imported as the operator's
    `import-indicators` command imports a file in the long layout."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "indicators.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(fund_indicators.LONG_HEADER)
            out.writerows(rows)
        fund_indicators.import_file(path=path, actor=SYSTEM, synthetic=synthetic)


def proposal_under_review(
    focal_point: User, state: State, *, officer: User, reviewers: list[User], **change: Any
) -> Proposal:
    """A proposal to the fund made and submitted by the State's focal point, and assigned by
    the Secretariat to these reviewers."""
    fields = {
        "title": "A national CSIRT",
        "summary": "A national computer security incident response team.",
        "theme": "incident",
        "amount": "30000.00",
        **change,
    }
    made = proposals.proposal_create(actor=focal_point, state=state, **fields)
    made = proposals.proposal_transition(
        actor=focal_point, proposal=made, target=Proposal.Status.SUBMITTED
    )
    return proposals.reviewers_assign(actor=officer, proposal=made, reviewers=reviewers)


def open_data(client: Any, path: str, data: dict[str, str] | None = None) -> Any:
    """An open-data file as a reader gets it once it is up to date. A list that is a published
    file (`published.FILE_DATASETS`) is refreshed by a job that the first reader after a change
    starts (in tests the job runs when queued), and that reader gets the version made before
    (or 503 while there is none): the second reader gets the fresh one."""
    client.get(path, data or {})
    return client.get(path, data or {})


VALID_ACTIVITY: dict[str, Any] = {
    "title": "CSIRT exchange programme",
    "title_language": "en",
    "description": "Analysts of national CSIRTs spend two weeks with a peer team.",
    "providers": ["Example Cyber Agency"],
    "funders": ["Example Donor"],
    "provider_kind": "state",
    "beneficiaries": ["KEN", "GHA"],
    "themes": ["incident"],
    "modality": "fellowship",
    "start": "2026-03-01",
    "end": "2026-09-30",
    "budget": "under_1m",
    "currency": "eur",
    "phase": "ongoing",
    "languages": ["en", "fr"],
    "source_detail": "The agency's annual report",
    "as_of": "2026-11-01",
}


def published_activity(proposer: Any, officer: User, **change: Any) -> Activity:
    """A record of the register proposed by `proposer` and published by the Secretariat."""
    made = activity_services.activity_propose(actor=proposer, **{**VALID_ACTIVITY, **change})
    for step in (Activity.Curation.UNDER_CURATION, Activity.Curation.PUBLISHED):
        made = activity_services.activity_curate(actor=officer, activity=made, target=step)
    return made
