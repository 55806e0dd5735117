"""Corrections: a provider or a State proposes one to a record it can see; the record changes
only when the Secretariat accepts it, audited; a decline needs a note."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.programmes import corrections
from equalfooting.programmes.models import Activity, Correction
from equalfooting.programmes.services import activity_state
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def record(provider_rep: Any, officer: Any) -> Activity:
    return factories.published_activity(provider_rep, officer)


def test_a_state_proposes_a_correction_the_secretariat_accepts(
    record: Activity, focal_point_fra: Any, officer: Any
) -> None:
    before = activity_state(record)
    proposed = corrections.correction_propose(
        actor=focal_point_fra,
        activity=record,
        reason="France also takes part: see the agency's report.",
        beneficiaries=["KEN", "GHA", "FRA"],
        end="2026-10-31",
    )
    assert proposed.changes == {"beneficiaries": ["FRA", "GHA", "KEN"], "end": "2026-10-31"}
    assert proposed.proposed_for_state is not None
    assert activity_state(Activity.objects.get(pk=record.pk)) == before  # nothing yet
    corrections.correction_decide(actor=officer, correction=proposed, accept=True)
    after = activity_state(Activity.objects.get(pk=record.pk))
    assert after["beneficiaries"] == ["FRA", "GHA", "KEN"] and after["end"] == "2026-10-31"
    assert Correction.objects.get().status == "applied"
    actions = list(
        AuditEntry.objects.filter(object_type__in=["activity", "correction"])
        .order_by("-seq")
        .values_list("action", flat=True)[:3]
    )
    assert actions == [
        "programmes.correction.applied",
        "programmes.activity.corrected",
        "programmes.correction.submitted",
    ]
    with pytest.raises(TransitionNotAllowed):
        corrections.correction_decide(actor=officer, correction=proposed, accept=False, note="x")


def test_a_correction_must_change_something_and_say_why(
    record: Activity, provider_rep: Any, officer: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        corrections.correction_propose(actor=provider_rep, activity=record, reason="")
    assert set(refused.value.message_dict) == {"reason", "__all__"}
    with pytest.raises(ValidationError) as refused:
        corrections.correction_propose(
            actor=provider_rep, activity=record, reason="Wrong dates", end="2020-01-01"
        )
    assert "end" in refused.value.message_dict  # before its start
    proposed = corrections.correction_propose(
        actor=provider_rep, activity=record, reason="Renamed", title="New name"
    )
    with pytest.raises(ValidationError):
        corrections.correction_decide(actor=officer, correction=proposed, accept=False)
    corrections.correction_decide(actor=officer, correction=proposed, accept=False, note="No.")
    assert Activity.objects.get(pk=record.pk).title == record.title


def test_who_may_propose_and_decide(
    record: Activity, provider_rep: Any, reviewer: Any, focal_point_ken: Any, officer: Any
) -> None:
    for actor in (reviewer, None):
        with pytest.raises(PermissionDenied):
            corrections.correction_propose(actor=actor, activity=record, reason="x", title="y")
    proposed = corrections.correction_propose(
        actor=focal_point_ken, activity=record, reason="x", title="y"
    )
    for actor in (provider_rep, focal_point_ken):
        with pytest.raises(PermissionDenied):
            corrections.correction_decide(actor=actor, correction=proposed, accept=True)


def test_the_correction_pages(record: Activity, provider_rep: Any, officer: Any) -> None:
    proposer = Client()
    proposer.force_login(provider_rep)
    form = proposer.get(f"/en/register/{record.pk}/correct/")
    assert form.status_code == 200 and record.title in form.content.decode()
    data = {
        key: value for key, value in form.context["form"].initial.items() if value not in (None, "")
    }
    data.update(title="Corrected title", reason="The agency renamed it.")
    data["start"], data["end"], data["as_of"] = "2026-03-01", "2026-09-30", "2026-11-01"
    assert proposer.post(f"/en/register/{record.pk}/correct/", data).status_code == 302
    curator = Client()
    factories.login_with_2fa(curator, officer)
    page = curator.get(f"/ar/register/{record.pk}/").content.decode()
    assert "Corrected title" in page
    assert "Correction to decide" in curator.get("/en/my-work/").content.decode()
    correction = Correction.objects.get()
    decided = curator.post(
        f"/en/register/corrections/{correction.pk}/decide/", {"decision": "accept"}
    )
    assert decided.status_code == 302
    assert Activity.objects.get(pk=record.pk).title == "Corrected title"
