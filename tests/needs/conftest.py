from __future__ import annotations

from typing import Any

import pytest

from equalfooting.needs.models import AssistanceRequest
from tests import factories


@pytest.fixture
def ken_request(focal_point_ken: Any, state_ken: Any) -> AssistanceRequest:
    """A draft request of Kenya's."""
    return factories.assistance_request(focal_point_ken, state_ken)
