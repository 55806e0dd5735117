from __future__ import annotations

from typing import Any

import pytest

from equalfooting.needs import framework as fw
from equalfooting.needs.models import AssistanceRequest

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


def full_answers(stage: int = 2, note: str = "") -> dict[str, Any]:
    return {i.code: {"stage": stage, "note": note} for i in fw.load().indicators}


@pytest.fixture
def ken_request(focal_point_ken: Any, state_ken: Any) -> AssistanceRequest:
    from equalfooting.needs.services import request_create

    return request_create(actor=focal_point_ken, state=state_ken, **VALID_REQUEST)
