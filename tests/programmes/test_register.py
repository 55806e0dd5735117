"""The register of capacity-building activities: proposals, curation, what the public sees, a
beneficiary's request to be shown only in aggregate, and the mechanism's own records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting import permissions
from equalfooting.accounts.models import ApiToken
from equalfooting.accounts.services import api_token_create
from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import TransitionNotAllowed
from equalfooting.fund.models import Project
from equalfooting.matchmaking import services as matchmaking
from equalfooting.matchmaking.models import Match
from equalfooting.programmes import selectors, services
from equalfooting.programmes.models import Activity
from equalfooting.programmes.sync import mechanism_sync
from tests import factories
from tests.factories import VALID_ACTIVITY

pytestmark = pytest.mark.django_db
Curation = Activity.Curation


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


def actions_of(activity: Activity) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="activity", object_id=str(activity.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_provider_proposes_and_the_secretariat_curates_and_publishes(
    provider_rep: Any, officer: Any, client: Client
) -> None:
    made = services.activity_propose(actor=provider_rep, **VALID_ACTIVITY)
    assert made.curation == Curation.SUBMITTED
    assert made.proposed_for_provider_id == provider_rep.roles.get().provider_id
    assert made.currency == "EUR"
    assert sorted(s.iso3 for s in made.beneficiaries.all()) == ["GHA", "KEN"]
    # Not public until published: neither in the list nor on its own page.
    assert client.get(f"/en/register/{made.pk}/").status_code == 404
    assert made.title not in client.get("/en/register/").content.decode()
    services.activity_curate(actor=officer, activity=made, target=Curation.UNDER_CURATION)
    services.activity_curate(
        actor=officer, activity=made, target=Curation.PUBLISHED, note="Checked with the agency."
    )
    page = client.get(f"/en/register/{made.pk}/").content.decode()
    assert "Checked with the agency." in page
    assert made.title in client.get("/en/register/").content.decode()
    assert actions_of(made) == [
        "programmes.activity.propose",
        "programmes.activity.under_curation",
        "programmes.activity.published",
    ]
    # The proposal was sealed in the public log; the publication is disclosed.
    entries = AuditEntry.objects.filter(object_type="activity", object_id=str(made.pk))
    assert [bool(e.disclosed) for e in entries.order_by("seq")] == [False, False, True]


def test_the_proposer_sees_its_record_before_curation_and_others_do_not(
    provider_rep: Any, focal_point_fra: Any
) -> None:
    made = services.activity_propose(actor=provider_rep, **VALID_ACTIVITY)
    assert permissions.can(provider_rep, "activity.view", made)
    # France is not a beneficiary, and proposed nothing.
    assert not permissions.can(focal_point_fra, "activity.view", made)
    assert not permissions.can(None, "activity.view", made)


def test_declining_needs_a_note_and_steps_follow_the_table(
    focal_point_ken: Any, officer: Any
) -> None:
    made = services.activity_propose(actor=focal_point_ken, **VALID_ACTIVITY)
    assert made.proposed_for_state is not None and made.proposed_for_state.iso3 == "KEN"
    with pytest.raises(ValidationError) as refused:
        services.activity_curate(actor=officer, activity=made, target=Curation.DECLINED)
    assert "note" in refused.value.message_dict
    with pytest.raises(TransitionNotAllowed):
        services.activity_curate(actor=officer, activity=made, target=Curation.PUBLISHED)
    declined = services.activity_curate(
        actor=officer, activity=made, target=Curation.DECLINED, note="Not capacity-building."
    )
    assert declined.curation == Curation.DECLINED
    assert declined.curator_note == "Not capacity-building."


def test_only_the_secretariat_curates_and_only_providers_and_states_propose(
    provider_rep: Any, focal_point_ken: Any, reviewer: Any, officer: Any
) -> None:
    made = services.activity_propose(actor=provider_rep, **VALID_ACTIVITY)
    for actor in (provider_rep, focal_point_ken, reviewer, None):
        with pytest.raises(PermissionDenied):
            services.activity_curate(actor=actor, activity=made, target=Curation.UNDER_CURATION)
    for actor in (reviewer, None):
        with pytest.raises(PermissionDenied):
            services.activity_propose(actor=actor, **VALID_ACTIVITY)
    with pytest.raises(ValidationError):  # nobody proposes a record as the mechanism's own
        services.activity_propose(actor=provider_rep, source="mechanism", **VALID_ACTIVITY)


def test_bad_input_names_each_field_and_writes_nothing(provider_rep: Any) -> None:
    before = (Activity.objects.count(), AuditEntry.objects.count())
    bad = {
        **VALID_ACTIVITY,
        "title": " ",
        "title_language": "xx",
        "providers": [],
        "beneficiaries": ["KEN", "ZZZ"],
        "themes": ["nonsense"],
        "modality": "seminar",
        "phase": "",
        "budget": "huge",
        "currency": "EURO",
        "languages": [],
        "start": "2026-10-01",
        "end": "2026-01-01",
        "as_of": "not a date",
    }
    with pytest.raises(ValidationError) as refused:
        services.activity_propose(actor=provider_rep, **bad)
    assert set(refused.value.message_dict) == {
        "title",
        "title_language",
        "providers",
        "beneficiaries",
        "themes",
        "modality",
        "phase",
        "budget",
        "currency",
        "languages",
        "end",
        "as_of",
    }
    assert "ZZZ" in refused.value.message_dict["beneficiaries"][0]
    assert (Activity.objects.count(), AuditEntry.objects.count()) == before


def test_a_region_or_group_may_stand_for_named_states(provider_rep: Any) -> None:
    made = services.activity_propose(
        actor=provider_rep, **{**VALID_ACTIVITY, "beneficiaries": [], "beneficiary_group": "SIDS"}
    )
    assert made.beneficiary_group is not None and made.beneficiary_group.code == "SIDS"
    with pytest.raises(ValidationError) as refused:
        services.activity_propose(actor=provider_rep, **{**VALID_ACTIVITY, "beneficiaries": []})
    assert "beneficiaries" in refused.value.message_dict


def test_a_beneficiary_keeps_a_record_to_aggregates(
    provider_rep: Any, officer: Any, focal_point_ken: Any, focal_point_fra: Any, client: Client
) -> None:
    made = factories.published_activity(provider_rep, officer)
    assert client.get(f"/en/register/{made.pk}/").status_code == 200
    # France is not named by the record: it cannot.
    with pytest.raises(PermissionDenied):
        services.activity_keep_to_aggregates(actor=focal_point_fra, activity=made)
    kept = services.activity_keep_to_aggregates(actor=focal_point_ken, activity=made)
    assert kept.aggregate_only and not kept.is_public
    assert client.get(f"/en/register/{made.pk}/").status_code == 404
    assert made.title not in client.get("/en/register/").content.decode()
    assert made not in selectors.register_public()
    # Kenya still sees it; the log says it happened without disclosing the record.
    assert permissions.can(focal_point_ken, "activity.view", kept)
    entry = AuditEntry.objects.filter(object_type="activity").order_by("-seq").first()
    assert entry is not None
    assert entry.action == "programmes.activity.aggregate_only" and not entry.disclosed


def test_the_public_register_filters_by_facet(provider_rep: Any, officer: Any) -> None:
    training = factories.published_activity(
        provider_rep,
        officer,
        title="Training A",
        modality="training",
        themes=["policy"],
        beneficiaries=["FRA"],
        start="2024-01-01",
        end="2024-12-31",
    )
    fellowship = factories.published_activity(provider_rep, officer, title="Fellowship B")

    def titles(**filters: Any) -> set[str]:
        return {a.title for a in selectors.register_public(**filters)}

    assert titles() == {"Training A", "Fellowship B"}
    assert titles(modality="training") == {training.title}
    assert titles(theme="incident") == {fellowship.title}
    assert titles(iso3="ken") == {fellowship.title}
    assert titles(region="150") == {training.title}  # Europe, where France is
    assert titles(year=2024) == {training.title}
    assert titles(year=2026) == {fellowship.title}
    assert titles(source="imported") == set()


def test_the_register_pages_in_arabic(provider_rep: Any, officer: Any, client: Client) -> None:
    made = factories.published_activity(
        provider_rep, officer, title="برنامج تبادل", title_language="ar"
    )
    listing = client.get("/ar/register/").content.decode()
    assert 'dir="rtl"' in listing
    assert "برنامج تبادل" in listing
    assert client.get(f"/ar/register/{made.pk}/").status_code == 200
    assert client.get("/ar/register/?year=20x").status_code == 422


def test_the_proposal_form_and_the_curation_queue_through_the_pages(
    provider_rep: Any, officer: Any
) -> None:
    proposer = Client()
    proposer.force_login(provider_rep)
    form = {
        **{k: v for k, v in VALID_ACTIVITY.items() if not isinstance(v, list)},
        "providers": "Example Cyber Agency\nSecond Partner",
        "beneficiaries": "KEN GHA",
        "themes": ["incident"],
        "languages": ["en", "fr"],
    }
    refused = proposer.post("/en/register/propose/", {**form, "title": ""})
    assert refused.status_code == 422
    sent = proposer.post("/en/register/propose/", form)
    assert sent.status_code == 302
    made = Activity.objects.get()
    assert made.providers == ["Example Cyber Agency", "Second Partner"]
    secretariat = Client()
    factories.login_with_2fa(secretariat, officer)
    assert made.title in secretariat.get("/en/register/curation/").content.decode()
    assert proposer.get("/en/register/curation/").status_code == 403
    step = secretariat.post(f"/en/register/{made.pk}/curate/", {"target": "under_curation"})
    assert step.status_code == 302
    no_note = secretariat.post(f"/en/register/{made.pk}/curate/", {"target": "declined"})
    assert no_note.status_code == 422
    published = secretariat.post(
        f"/en/register/{made.pk}/curate/", {"target": "published", "note": "Confirmed."}
    )
    assert published.status_code == 302
    assert Activity.objects.get().curation == Curation.PUBLISHED


def test_agreed_matches_and_projects_enter_the_register_by_themselves(
    match_proposed: Match, focal_point_ken: Any, provider_rep: Any
) -> None:
    scheduler = permissions.SYSTEM_SCHEDULER
    assert mechanism_sync(actor=scheduler)["created"] == 0  # proposed, not agreed: nothing
    matchmaking.match_state_decide(actor=focal_point_ken, match=match_proposed, accept=True)
    matchmaking.match_provider_decide(actor=provider_rep, match=match_proposed, confirm=True)
    assert mechanism_sync(actor=scheduler) == {"created": 1, "updated": 0, "left_for_next_pass": 0}
    record = Activity.objects.get(source=Activity.Source.MECHANISM)
    assert record.source_key == f"match:{match_proposed.pk}"
    assert record.is_public and record.phase == Activity.Phase.PLANNED
    assert [s.iso3 for s in record.beneficiaries.all()] == ["KEN"]
    assert record.themes == [match_proposed.request.theme.split(":")[0]]
    # Nothing changed: a second pass writes nothing.
    assert mechanism_sync(actor=scheduler) == {"created": 0, "updated": 0, "left_for_next_pass": 0}
    matchmaking.match_report(actor=provider_rep, match=match_proposed, event="started")
    assert mechanism_sync(actor=scheduler)["updated"] == 1
    assert Activity.objects.get(pk=record.pk).phase == Activity.Phase.ONGOING
    assert actions_of(record) == ["programmes.activity.sync", "programmes.activity.sync"]
    with pytest.raises(PermissionDenied):
        mechanism_sync(actor=provider_rep)


def test_a_pass_writes_at_most_a_batch(state_ken: Any, settings: Any, monkeypatch: Any) -> None:
    from equalfooting.programmes import sync  # the module whose batch size this test lowers

    monkeypatch.setattr(sync, "BATCH", 2)
    Project.objects.bulk_create(
        Project(state=state_ken, title=f"Project {n}", committed=250_000) for n in range(3)
    )
    assert mechanism_sync(actor=permissions.SYSTEM_SCHEDULER) == {
        "created": 2,
        "updated": 0,
        "left_for_next_pass": 1,
    }
    assert mechanism_sync(actor=permissions.SYSTEM_SCHEDULER)["created"] == 1
    assert set(Activity.objects.values_list("budget", flat=True)) == {"under_1m"}


def test_the_api_lists_published_records_page_by_page_and_takes_proposals(
    provider_rep: Any, officer: Any, client: Client, monkeypatch: Any
) -> None:
    from equalfooting.programmes import api  # the module whose page size this test lowers

    monkeypatch.setattr(api, "PAGE", 2)
    made = [factories.published_activity(provider_rep, officer, title=f"A{n}") for n in range(3)]
    services.activity_propose(actor=provider_rep, **{**VALID_ACTIVITY, "title": "Waiting"})
    first = client.get("/api/v1/activities").json()
    assert [a["title"] for a in first["items"]] == ["A2", "A1"]
    assert first["items"][0]["beneficiaries"] == ["GHA", "KEN"]
    second = client.get("/api/v1/activities", {"before": first["older"]}).json()
    assert [a["title"] for a in second["items"]] == ["A0"] and second["older"] is None
    assert client.get(f"/api/v1/activities/{made[0].pk}").json()["reference"] == made[0].reference
    waiting = Activity.objects.get(title="Waiting")
    assert client.get(f"/api/v1/activities/{waiting.pk}").status_code == 404
    _token, token = api_token_create(actor=provider_rep, name="t", scope=ApiToken.Scope.WRITE)
    sent = client.post(
        "/api/v1/activities",
        {**VALID_ACTIVITY, "title": "By the API"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["curation"] == "submitted"
    refused = client.post(
        "/api/v1/activities",
        {**VALID_ACTIVITY, "themes": ["nonsense"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 422 and "themes" in refused.json()["detail"]


def test_the_open_data_register_holds_only_what_the_public_sees(
    provider_rep: Any, officer: Any, focal_point_ken: Any, client: Client
) -> None:
    shown = factories.published_activity(provider_rep, officer, title="Shown")
    kept = factories.published_activity(provider_rep, officer, title="Kept to aggregates")
    services.activity_keep_to_aggregates(actor=focal_point_ken, activity=kept)
    services.activity_propose(actor=provider_rep, **{**VALID_ACTIVITY, "title": "Waiting"})
    response = factories.open_data(client, "/en/open-data/register.json", {"lang": "fr"})
    rows = json.loads(b"".join(response.streaming_content))["rows"]
    assert [r["reference"] for r in rows] == [shown.reference]
    assert rows[0]["beneficiaries"] == "GHA KEN"
    assert rows[0]["modality_label"] == "Bourse"  # the labels come in the reader's language
