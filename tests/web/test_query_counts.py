"""A page's queries do not grow with the data (issue 13): every list page, for every role.

Each page is read at two sizes of the mechanism — a few requests, offers, matching rounds,
contributions and the audit entries and ledger postings they write, then four times as many —
and must make the same number of queries both times. A loop that queries per row (an N+1)
fails here by page and role.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from equalfooting.accounts.models import User
from equalfooting.matchmaking.models import Round
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider
from equalfooting.programmes import events, library
from equalfooting.programmes.search import search_sync
from equalfooting.programmes.services import activity_propose
from tests import factories as f

PUBLIC = [
    "/en/",
    "/en/states/",
    "/en/states/KEN/",
    "/en/states/KEN/assessments/",
    "/en/organisations/",
    "/en/requests/",
    "/en/offers/",
    "/en/rounds/",
    "/en/fund/",
    "/en/fund/ledger/",
    "/en/figures/",
    "/en/figures/fairness/",
    "/en/figures/map/",
    "/en/requests/principles/",
    "/en/declines/",
    "/en/audit/",
    "/en/open-data/",
    "/en/register/",
    "/en/register/coverage/",
    "/en/calendar/",
    "/en/library/",
    "/en/search/",
    "/en/search/?q=activity&kind=activity",
    "/en/search/?q=csirt",
]
SIGNED_IN = ["/en/my-work/", "/en/account/", "/en/account/notifications/"]
SECRETARIAT = [
    "/en/jobs/",
    "/en/contacts/",
    "/en/account/nominations/",
    "/en/register/curation/",
    "/en/register/duplicates/",
]


def queries_per_page(clients: dict[str, Client], extra: list[str]) -> dict[tuple[str, str], int]:
    counts = {}
    for role, client in clients.items():
        pages = PUBLIC + extra + (SIGNED_IN if role != "public" else [])
        pages += SECRETARIAT if role == "secretariat" else []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page)
            assert response.status_code == 200, (role, page, response.status_code)
            counts[(role, page)] = len(queries)
    return counts


@pytest.mark.django_db
def test_no_page_makes_more_queries_when_the_data_grow(
    settings: Any,
    tmp_path: Any,
    client: Client,
    focal_point_ken: User,
    officer: User,
    provider: Provider,
    provider_rep: User,
) -> None:
    settings.EF_FILES_DIR = tmp_path  # the library's files

    def grow(times: int) -> None:
        for n in range(times):
            f.assistance_request(
                focal_point_ken,
                status=AssistanceRequest.Status.OPEN,
                officer=officer,
                title=f"Request {n}",
            )
            f.published_offer(provider_rep, provider, title=f"Offer {n}")
        f.published_round(officer)
        f.contribution_received(officer, amount="1000", contributor=f"Donor {times}")
        for n in range(times):
            f.published_activity(provider_rep, officer, title=f"Activity {times} {n}")
            activity_propose(actor=focal_point_ken, **f.VALID_ACTIVITY)  # awaits curation
            event = events.event_save(
                actor=officer,
                title=f"Training {times} {n}",
                kind="training",
                time_zone="Africa/Nairobi",
                starts_at="2099-03-15T10:00",
                ends_at="2099-03-15T12:00",
                attendance="online",
                interpretation=["en", "fr"],
                themes=["incident"],
                region="002",
            )
            events.event_transition(actor=officer, event=event, target="published")
            library.document_add(
                actor=officer,
                kind="guide",
                licence="cc0",
                source="Test",
                language="en",
                title=f"Guide {times} {n}",
                upload=library.Upload("guide.txt", f"Guide {times} {n}".encode()),
            )
        search_sync()

    clients: dict[str, Any] = {"public": client}
    for role, person in (("focal point", focal_point_ken), ("provider", provider_rep)):
        clients[role] = Client()
        clients[role].force_login(person)
    clients["secretariat"] = Client()
    f.login_with_2fa(clients["secretariat"], officer)

    grow(2)
    # The first round's page: eight rounds later it holds the same matches, among more data.
    first_round = [f"/en/rounds/{Round.objects.order_by('pk').values_list('pk', flat=True)[0]}/"]
    few = queries_per_page(clients, first_round)
    grow(6)
    many = queries_per_page(clients, first_round)
    grown = {key: (few[key], many[key]) for key in few if many[key] != few[key]}
    assert grown == {}
