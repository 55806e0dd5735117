from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from equalfooting.needs import framework as fw
from equalfooting.needs import scoring
from equalfooting.needs.models import Assessment
from equalfooting.needs.services import (
    assessment_save_draft,
    assessment_set_visibility,
    assessment_submit,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_framework_has_six_dimensions_five_stages_and_six_languages() -> None:
    framework = fw.load()
    assert [d.code for d in framework.dimensions] == [
        "policy",
        "legal",
        "incident",
        "skills",
        "standards",
        "cooperation",
    ]
    assert [s.key for s in framework.stages] == [
        "start-up",
        "formative",
        "established",
        "strategic",
        "dynamic",
    ]
    for indicator in framework.indicators:
        assert sorted(indicator.stages) == [1, 2, 3, 4, 5]
        for text in (indicator.name, indicator.question, *indicator.stages.values()):
            assert set(text) == {"ar", "zh-hans", "en", "fr", "ru", "es"} and all(text.values())


def test_draft_resume_submit_and_history(focal_point_ken: Any, state_ken: Any) -> None:
    code = fw.load().indicators[0].code
    first = assessment_save_draft(
        actor=focal_point_ken, state=state_ken, answers={code: {"stage": 2}}, targets={}
    )
    again = assessment_save_draft(
        actor=focal_point_ken, state=state_ken, answers=factories.answers(2), targets={"policy": 4}
    )
    assert again.pk == first.pk  # one draft, resumed
    v1 = assessment_submit(actor=focal_point_ken, assessment=again, visibility="private")
    assert (v1.version, v1.status, v1.framework_version) == (1, "submitted", fw.CURRENT_VERSION)
    draft = assessment_save_draft(
        actor=focal_point_ken, state=state_ken, answers=factories.answers(3), targets={"policy": 5}
    )
    assert draft.pk != v1.pk
    v2 = assessment_submit(actor=focal_point_ken, assessment=draft, visibility="public")
    assert v2.version == 2
    assert Assessment.objects.get(pk=v1.pk).answers == factories.answers(2)  # history kept


def test_submitting_needs_every_indicator(focal_point_ken: Any, state_ken: Any) -> None:
    answers = factories.answers(2)
    missing = next(iter(answers))
    del answers[missing]
    draft = assessment_save_draft(
        actor=focal_point_ken, state=state_ken, answers=answers, targets={}
    )
    with pytest.raises(ValidationError) as caught:
        assessment_submit(actor=focal_point_ken, assessment=draft, visibility="private")
    assert list(caught.value.message_dict) == [missing]
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


def test_bad_stages_and_targets_are_named(focal_point_ken: Any, state_ken: Any) -> None:
    code = fw.load().indicators[0].code
    with pytest.raises(ValidationError) as caught:
        assessment_save_draft(
            actor=focal_point_ken,
            state=state_ken,
            answers={code: {"stage": 9}, "nope.x": {"stage": 1}},
            targets={"policy": "seven"},
        )
    assert set(caught.value.message_dict) == {code, "nope.x", "target_policy"}
    assert not Assessment.objects.exists()


def test_only_the_states_own_focal_point_assesses(
    focal_point_fra: Any, state_ken: Any, officer: Any
) -> None:
    for actor in (focal_point_fra, officer):
        with pytest.raises(PermissionDenied):
            assessment_save_draft(
                actor=actor, state=state_ken, answers=factories.answers(), targets={}
            )


def test_the_profile_gives_stage_per_dimension_and_gaps(
    focal_point_ken: Any, state_ken: Any
) -> None:
    framework = fw.load()
    answers = factories.answers(2)
    first = framework.dimensions[0].indicators
    answers[first[0].code]["stage"] = 5
    rows = {p.code: p for p in scoring.profile(framework, answers, {"policy": 4})}
    expected = round((5 + 2 * (len(first) - 1)) / len(first), 1)
    assert float(rows["policy"].stage) == expected  # type: ignore[arg-type]
    assert float(rows["policy"].gap) == round(4 - expected, 1)  # type: ignore[arg-type]
    gaps = scoring.indicator_gaps(framework, answers, {"policy": 4})
    assert gaps == [i.code for i in first[1:]]


def test_visibility_decides_who_reads(
    client: Client, focal_point_ken: Any, focal_point_fra: Any, state_ken: Any, provider_rep: Any
) -> None:
    assessment = factories.submitted_assessment(focal_point_ken, state_ken)
    provider = provider_rep
    url = f"/en/assessments/{assessment.pk}/"

    def status_for(user: Any) -> int:
        client.logout()
        if user:
            client.force_login(user)
        return client.get(url).status_code

    assert [status_for(u) for u in (None, focal_point_fra, provider, focal_point_ken)] == [
        404,
        404,
        404,
        200,
    ]
    assessment_set_visibility(actor=focal_point_ken, assessment=assessment, visibility="providers")
    assert [status_for(u) for u in (None, focal_point_fra, provider)] == [404, 404, 200]
    assessment_set_visibility(actor=focal_point_ken, assessment=assessment, visibility="public")
    assert [status_for(u) for u in (None, focal_point_fra, provider)] == [200, 200, 200]


def test_the_questionnaire_saves_a_draft_and_submits(client: Client, focal_point_ken: Any) -> None:
    framework = fw.load()
    client.force_login(focal_point_ken)
    assert client.get("/ar/states/KEN/assessments/edit/").status_code == 200
    data = {f"stage_{i.code}": "3" for i in framework.indicators}
    data.update({"target_policy": "4", "action": "save", "visibility": "public"})
    assert client.post("/en/states/KEN/assessments/edit/", data).status_code == 302
    assert Assessment.objects.get().status == "draft"
    data["action"] = "submit"
    response = client.post("/en/states/KEN/assessments/edit/", data)
    assessment = Assessment.objects.get()
    assert (
        response.status_code == 302
        and assessment.status == "submitted"
        and assessment.visibility == "public"
    )
    assert client.get(f"/en/assessments/{assessment.pk}/").status_code == 200


def test_the_questionnaire_marks_a_bad_answer(client: Client, focal_point_ken: Any) -> None:
    client.force_login(focal_point_ken)
    code = fw.load().indicators[0].code
    response = client.post(
        "/en/states/KEN/assessments/edit/", {f"stage_{code}": "8", "action": "save"}
    )
    assert response.status_code == 422
    assert not Assessment.objects.exists()
