"""In Arabic, a project's reference stays one left-to-right word in the ledger: isolated in the
account's name (Unicode LRI … PDI), and marked left to right, unbroken, in its own column."""

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
    assert f"\u2066{project.reference}\u2069" in page  # inside the account's name
    assert f'<bdi dir="ltr" class="reference">{project.reference}</bdi>' in page
