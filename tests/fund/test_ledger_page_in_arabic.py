"""In Arabic, a project's reference stays one left-to-right word in the ledger, never broken at
its hyphen: in the account's name as in its own column."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from equalfooting.fund.models import Contributor
from tests.fund.test_ledger import funded_project

pytestmark = pytest.mark.django_db


def test_a_projects_reference_is_isolated_in_the_arabic_ledger(
    client: Client, officer: Any
) -> None:
    contributor = Contributor.objects.create(name="A Contributor", kind="organisation")
    project = funded_project(officer, contributor, "100.00", "60.00")
    page = client.get("/ar/fund/ledger/").content.decode()
    isolated = f'<bdi dir="ltr" class="reference">{project.reference}</bdi>'
    # In the account's name ("المبالغ الملتزم بها للمشروع …") and in the reference column.
    assert page.count(isolated) == 2
