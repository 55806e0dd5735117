"""A provider's unmet demand: open requests its offer could serve, counted by kind of request
(theme and unit, then a shared language, then a shared modality) without naming any State."""

from __future__ import annotations

from typing import Any

import pytest

from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider
from equalfooting.offers.selectors import unmet_demand
from tests import factories

pytestmark = pytest.mark.django_db
OPEN = AssistanceRequest.Status.OPEN


def test_the_counts_add_up_over_every_open_request_by_kind(
    focal_point_ken: Any, officer: Any, provider: Provider, provider_rep: Any
) -> None:
    def request(**change: Any) -> None:
        factories.assistance_request(focal_point_ken, status=OPEN, officer=officer, **change)

    for _ in range(3):  # three of one kind: counted three times, not once
        request()
    request(languages=["ar"])  # theme, not language
    request(modalities=["in_person"])  # theme and language, not modality
    request(unit="expert_days")  # another unit: not commensurable
    request(theme="cooperation")  # another theme
    factories.assistance_request(focal_point_ken)  # a draft: not open
    offer = factories.published_offer(provider_rep, provider)
    assert unmet_demand(offers=[offer]) == {offer.pk: {"theme": 5, "language": 4, "modality": 3}}
