"""Long lists page by key (issue 13): every row once, in order, forwards and back; a deep page
costs the queries of the first; a page key that is not a number is refused, by name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from equalfooting.audit.models import AuditEntry
from equalfooting.audit.services import audit_append
from equalfooting.core.paging import PER_PAGE

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr><td>(\d+)</td><td dir="ltr">')
LINK = re.compile(r'<a href="\?(?P<query>[^"]+)" rel="(?P<rel>prev|next)">')


def _entries(n: int) -> None:
    with transaction.atomic():
        for k in range(n):
            audit_append(
                actor="system:demo",
                action="test.paging",
                object_type="test",
                object_id=str(k),
                state={"k": k},
                public=True,
            )


def _page(client: Client, query: str = "") -> tuple[list[int], dict[str, str]]:
    response = client.get(f"/en/audit/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    links = {m["rel"]: m["query"].replace("&amp;", "&") for m in LINK.finditer(html)}
    return [int(seq) for seq in ROW.findall(html)], links


def test_the_audit_chain_pages_through_every_entry_once_each_way(client: Client) -> None:
    _entries(PER_PAGE + 7)  # with the reference data's own entries: several pages
    everything = list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))
    seen, pages, query = [], [], ""
    while True:
        rows, links = _page(client, query)
        seen += rows
        pages.append(rows)
        if "next" not in links:
            break
        query = links["next"]
    assert seen == everything  # newest first, none twice, none missed
    full, rest = divmod(len(everything), PER_PAGE)
    assert [len(p) for p in pages] == [PER_PAGE] * full + ([rest] if rest else [])
    back = [pages[-1]]
    rows, links = pages[-1], _page(client, query)[1]
    while "prev" in links:
        rows, links = _page(client, links["prev"])
        back.append(rows)
    assert back[::-1] == pages


def test_a_deep_page_costs_what_the_first_costs(client: Client, settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0  # each page made afresh, not read from the page cache
    _entries(3 * PER_PAGE)
    client.get("/en/audit/")  # warm what is read once per process
    with CaptureQueriesContext(connection) as first:
        client.get("/en/audit/")
    oldest_but_one = AuditEntry.objects.order_by("seq").values_list("seq", flat=True)[1]
    with CaptureQueriesContext(connection) as deep:
        rows, _links = _page(client, f"before={oldest_but_one}")
    assert rows == [oldest_but_one - 1]
    assert len(deep) == len(first)
    assert not any("COUNT(" in q["sql"].upper() for q in deep.captured_queries)


@pytest.mark.parametrize("page", ["/en/audit/", "/en/fund/ledger/", "/en/requests/"])
def test_a_page_key_that_is_not_a_number_is_refused_by_name(client: Client, page: str) -> None:
    response = client.get(f"{page}?before=1%3B1")
    assert response.status_code == 422  # refused input, as on every page
    assert "before" in response.content.decode()
