from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.needs import workflow
from equalfooting.needs.models import AssistanceRequest, RequestTransition
from equalfooting.needs.services import (
    TransitionNotAllowed,
    request_create,
    request_transition,
    request_update,
)
from equalfooting.notifications.models import Notification
from tests import factories
from tests.factories import VALID_REQUEST

pytestmark = pytest.mark.django_db

REASON = "for the record"


@pytest.fixture
def actors(focal_point_ken: Any, officer: Any) -> dict[str, Any]:
    return {"focal_point": focal_point_ken, "secretariat": officer}


def bring_to(
    status: str, actors: dict[str, Any], state: Any, route: list[str] | None = None
) -> AssistanceRequest:
    request = factories.assistance_request(
        actors["focal_point"], state, status=status, officer=actors["secretariat"], route=route
    )
    assert request.status == status
    return request


def test_the_main_path_from_draft_to_completed(actors: dict[str, Any], state_ken: Any) -> None:
    main = [
        "draft",
        "submitted",
        "screening",
        "open",
        "partly_matched",
        "matched",
        "in_delivery",
        "completed",
    ]
    request = bring_to("completed", actors, state_ken, route=main)
    history = list(
        RequestTransition.objects.filter(request=request).values_list("source", "target")
    )
    assert history == [
        ("draft", "submitted"),
        ("submitted", "screening"),
        ("screening", "open"),
        ("open", "partly_matched"),
        ("partly_matched", "matched"),
        ("matched", "in_delivery"),
        ("in_delivery", "completed"),
    ]
    actions = set(
        AuditEntry.objects.filter(object_type="request", object_id=str(request.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"needs.request.create", "needs.request.submitted", "needs.request.completed"} <= actions


@pytest.mark.parametrize(("source", "target"), list(workflow.TRANSITIONS))
def test_every_allowed_transition_by_its_role_and_refused_to_the_other(
    actors: dict[str, Any], state_ken: Any, source: str, target: str
) -> None:
    step = workflow.TRANSITIONS[(source, target)]
    request = bring_to(source, actors, state_ken)
    wrong = "secretariat" if step.role == "focal_point" else "focal_point"
    with pytest.raises(PermissionDenied):
        request_transition(actor=actors[wrong], request=request, target=target, reason=REASON)
    assert AssistanceRequest.objects.get(pk=request.pk).status == source
    if step.needs_reason:
        with pytest.raises(ValidationError):
            request_transition(actor=actors[step.role], request=request, target=target, reason=" ")
        assert AssistanceRequest.objects.get(pk=request.pk).status == source
    done = request_transition(
        actor=actors[step.role], request=request, target=target, reason=REASON
    )
    assert done.status == target


@pytest.mark.parametrize("source", workflow.STATUSES)
def test_every_transition_not_in_the_table_is_refused(
    actors: dict[str, Any], state_ken: Any, source: str
) -> None:
    request = bring_to(source, actors, state_ken)
    before = AuditEntry.objects.count()
    for target in workflow.STATUSES:
        if (source, target) in workflow.TRANSITIONS:
            continue
        for actor in actors.values():
            with pytest.raises(TransitionNotAllowed):
                request_transition(actor=actor, request=request, target=target, reason=REASON)
    assert AssistanceRequest.objects.get(pk=request.pk).status == source
    assert AuditEntry.objects.count() == before


def test_a_focal_point_of_another_state_can_make_no_step(
    actors: dict[str, Any], state_ken: Any, focal_point_fra: Any
) -> None:
    request = bring_to("open", actors, state_ken)
    with pytest.raises(PermissionDenied):
        request_transition(
            actor=focal_point_fra, request=request, target="withdrawn", reason=REASON
        )


def test_the_api_answers_409_for_a_step_not_in_the_table(
    client: Client, actors: dict[str, Any], state_ken: Any
) -> None:
    from equalfooting.accounts.services import api_token_create

    request = bring_to("submitted", actors, state_ken)
    _token, key = api_token_create(actor=actors["focal_point"], name="t", scope="write")
    headers = {"Authorization": f"Bearer {key}"}
    response = client.post(
        f"/api/v1/requests/{request.pk}/transition",
        {"target": "completed"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 409
    response = client.post(
        f"/api/v1/requests/{request.pk}/transition",
        {"target": "screening"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403  # allowed step, but the Secretariat's
    response = client.post(
        f"/api/v1/requests/{request.pk}/transition",
        {"target": "withdrawn", "reason": "no longer needed"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_the_page_answers_409_for_a_step_not_in_the_table(
    client: Client, actors: dict[str, Any], state_ken: Any
) -> None:
    request = bring_to("submitted", actors, state_ken)
    client.force_login(actors["focal_point"])
    response = client.post(f"/en/requests/{request.pk}/transition/", {"target": "completed"})
    assert response.status_code == 409
    assert AssistanceRequest.objects.get(pk=request.pk).status == "submitted"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"theme": ""}, "theme"),
        ({"theme": "astrology"}, "theme"),
        ({"units": 0}, "units"),
        ({"units": -3}, "units"),
        ({"units": "many"}, "units"),
        ({"desired_start": "2027-06-30", "desired_end": "2027-03-01"}, "desired_end"),
        ({"desired_start": "30/06/2027"}, "desired_start"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"modalities": ["telepathy"]}, "modalities"),
        ({"kind": "gift"}, "kind"),
        ({"gaps": ["policy.nonexistent"]}, "gaps"),
        ({"principles": {"loyalty": True}}, "principles"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    focal_point_ken: Any, state_ken: Any, change: dict[str, Any], field: str
) -> None:
    before = (AssistanceRequest.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        request_create(actor=focal_point_ken, state=state_ken, **{**VALID_REQUEST, **change})
    assert field in caught.value.message_dict
    assert (AssistanceRequest.objects.count(), AuditEntry.objects.count()) == before


def test_bad_input_through_the_api_names_the_field(client: Client, focal_point_ken: Any) -> None:
    from equalfooting.accounts.services import api_token_create

    _token, key = api_token_create(actor=focal_point_ken, name="t", scope="write")
    response = client.post(
        "/api/v1/states/KEN/requests",
        {**VALID_REQUEST, "units": 0, "theme": None},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert "units" in response.json()["detail"] and "theme" in response.json()["detail"]
    assert not AssistanceRequest.objects.exists()


def test_the_request_form_names_bad_fields(client: Client, focal_point_ken: Any) -> None:
    client.force_login(focal_point_ken)
    data = {
        **VALID_REQUEST,
        "units": "0",
        "desired_start": "2027-06-30",
        "desired_end": "2027-03-01",
        "principles": [],
    }
    response = client.post("/en/states/KEN/requests/new/", data)
    assert response.status_code == 422
    assert "units" in response.context["form"].errors
    assert not AssistanceRequest.objects.exists()


def test_only_the_states_own_focal_point_creates_and_edits(
    focal_point_fra: Any, state_ken: Any, officer: Any, ken_request: AssistanceRequest
) -> None:
    for actor in (focal_point_fra, officer):
        with pytest.raises(PermissionDenied):
            request_create(actor=actor, state=state_ken, **VALID_REQUEST)
        with pytest.raises(PermissionDenied):
            request_update(actor=actor, request=ken_request, title="changed")


def test_only_a_draft_can_be_edited(actors: dict[str, Any], state_ken: Any) -> None:
    request = bring_to("submitted", actors, state_ken)
    with pytest.raises(TransitionNotAllowed):
        request_update(actor=actors["focal_point"], request=request, title="changed")


def test_a_request_returned_for_information_is_edited_and_submitted_again(
    actors: dict[str, Any], state_ken: Any, django_capture_on_commit_callbacks: Any
) -> None:
    request = bring_to("screening", actors, state_ken)
    with pytest.raises(ValidationError):  # returning it needs the reason
        request_transition(actor=actors["secretariat"], request=request, target="returned")
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(
            actor=actors["secretariat"],
            request=request,
            target="returned",
            reason="Say which agencies take part.",
        )
    # The State's focal points are told, and the reason is kept in the request's history.
    notice = Notification.objects.get(kind=Notification.Kind.REQUEST_RETURNED)
    assert notice.recipient == actors["focal_point"]
    assert RequestTransition.objects.filter(
        request=request, target="returned", reason="Say which agencies take part."
    ).exists()
    # Only the State edits it now; then submits it again.
    updated = request_update(
        actor=actors["focal_point"], request=request, description="With the agencies named."
    )
    assert updated.description == "With the agencies named."
    resubmitted = request_transition(
        actor=actors["focal_point"], request=request, target="submitted"
    )
    assert resubmitted.status == "submitted"
    # Its page offers the Secretariat the action by name.
    assert workflow.ACTIONS["returned"] == "Return the request for information"


def test_drafts_are_private_and_submitted_requests_public(
    client: Client, ken_request: AssistanceRequest, actors: dict[str, Any]
) -> None:
    assert client.get(f"/en/requests/{ken_request.pk}/").status_code == 404
    assert ken_request.pk not in [r["id"] for r in client.get("/api/v1/requests").json()]
    request_transition(actor=actors["focal_point"], request=ken_request, target="submitted")
    assert client.get(f"/en/requests/{ken_request.pk}/").status_code == 200
    assert ken_request.pk in [r["id"] for r in client.get("/api/v1/requests").json()]


def test_principles_are_shown_and_aggregated(
    client: Client, ken_request: AssistanceRequest, actors: dict[str, Any]
) -> None:
    request_transition(actor=actors["focal_point"], request=ken_request, target="submitted")
    page = client.get(f"/en/requests/{ken_request.pk}/").content.decode()
    assert "Demand-driven and nationally owned" in page
    stats = client.get("/en/requests/principles/")
    rows = {row["label"]: row for row in stats.context["rows"]}
    assert stats.context["totals"] == {"requests": 1, "offers": 0, "projects": 0}
    assert rows["Demand-driven and nationally owned"]["requests"] == 100
    assert rows["Gender-sensitive and inclusive"]["requests"] == 0
