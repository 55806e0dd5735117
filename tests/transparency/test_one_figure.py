"""One definition per public figure: on the demo, every place that shows a figure shows the same
number — the dashboard's tiles and its by-month table, the annual report, the fund's page, the
API and the open-data exports."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from equalfooting import demo
from equalfooting.fund.models import LedgerTransaction
from equalfooting.needs.models import AssistanceRequest
from tests import factories

pytestmark = pytest.mark.django_db
Kind = LedgerTransaction.Kind
TILE = re.compile(r'<li><span class="figure">([^<]*)</span> ([^<]*)</li>')


@pytest.fixture
def demo_data(settings: Any) -> None:
    # The demo's accounts, hashed in a blink rather than Argon2's quarter of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.build(password="demo-password")
    # One receipt moved to last year: the figures for this year must leave it out, the ones
    # for everything so far must keep it, and every place must agree on both.
    last_year = timezone.now().replace(year=timezone.now().year - 1, month=6, day=1)
    receipt = LedgerTransaction.objects.filter(kind=Kind.RECEIPT).order_by("pk").first()
    assert receipt is not None
    LedgerTransaction.objects.filter(pk=receipt.pk).update(at=last_year)


def tiles(html: str) -> dict[str, str]:
    return {label.strip(): figure for figure, label in TILE.findall(html)}


def amount(text: str) -> Decimal:
    """ "$5,370,000" → 5370000 (English pages)."""
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def month_rows(html: str, after: str) -> list[list[str]]:
    table = html[html.index(after) :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [re.findall(r"<td>([^<]*)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def export(client: Client, dataset: str) -> list[dict[str, str]]:
    response = factories.open_data(client, f"/en/open-data/{dataset}.csv")
    assert isinstance(response, StreamingHttpResponse)
    body = response.getvalue()
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_every_place_shows_the_same_figure(client: Client, demo_data: None) -> None:
    year = timezone.now().year
    ever = client.get("/api/v1/figures").json()
    this_year = client.get(f"/api/v1/figures?year={year}").json()

    # The dashboard: tiles (everything so far) and the by-month table adding up to them.
    dashboard = client.get("/en/figures/").content.decode()
    tile = tiles(dashboard)
    assert int(tile["requests for assistance"]) == ever["requests"]
    assert int(tile["matches agreed by both sides"]) == ever["matches"]
    for label, name in (
        ("received", "received"),
        ("allocated to State envelopes", "allocated"),
        ("disbursed", "disbursed"),
    ):
        assert amount(tile[label]) == Decimal(ever[name]).quantize(Decimal(1)), label
    months = month_rows(dashboard, ">Over time</h2>")
    assert sum(int(m[1]) for m in months) == ever["requests"]
    assert sum(int(m[2]) for m in months) == ever["matches"]
    assert sum(amount(m[3]) for m in months) == Decimal(ever["received"])
    assert sum(amount(m[4]) for m in months) == Decimal(ever["disbursed"])

    # The annual report: this year's figures, the receipt moved to last year left out.
    report = tiles(client.get(f"/en/reports/annual/{year}/").content.decode())
    assert int(report["requests for assistance"]) == this_year["requests"]
    assert int(report["matches agreed by both sides"]) == this_year["matches"]
    for label, name in (
        ("received", "received"),
        ("allocated to State envelopes", "allocated"),
        ("committed to projects", "committed"),
        ("disbursed", "disbursed"),
    ):
        assert amount(report[label]) == Decimal(this_year[name]).quantize(Decimal(1)), label
    this_years_months = [m for m in months if m[0].startswith(str(year))]
    assert sum(int(m[1]) for m in this_years_months) == this_year["requests"]
    assert sum(amount(m[3]) for m in this_years_months) == Decimal(this_year["received"])
    assert Decimal(this_year["received"]) < Decimal(ever["received"])

    # The fund's page, to the cent, and its own by-month table.
    fund_page = client.get("/en/fund/").content.decode()
    fund = tiles(fund_page)
    for label, name in (
        ("pledged in total", "pledged"),
        ("received", "received"),
        ("allocated to State envelopes", "allocated"),
        ("committed to projects", "committed"),
        ("disbursed", "disbursed"),
    ):
        assert amount(fund[label]) == Decimal(ever[name]), label
    fund_months = month_rows(fund_page, ">Over time</h2>")
    assert sum(amount(m[1]) for m in fund_months) == Decimal(ever["received"])
    assert sum(amount(m[4]) for m in fund_months) == Decimal(ever["disbursed"])

    # The open data: the rows behind each figure, counted and added up by anyone.
    requests = export(client, "requests")
    assert len(requests) == ever["requests"]
    assert (
        sum(1 for r in requests if r["submitted_at"].startswith(str(year)))
        == (this_year["requests"])
    )
    assert sum(1 for m in export(client, "matches") if m["agreed_at"]) == ever["matches"]
    ledger = export(client, "ledger")

    def total(*kinds: str, sign: int = 1) -> Decimal:
        return sign * sum(
            (Decimal(t["amount_usd"]) for t in ledger if t["kind"] in kinds), Decimal(0)
        )

    assert total(Kind.RECEIPT) == Decimal(ever["received"])
    assert total(Kind.DISBURSEMENT) + total(Kind.REFUND, sign=-1) == Decimal(ever["disbursed"])
    assert total(Kind.PLEDGE) + total(Kind.CANCELLATION, sign=-1) == Decimal(ever["pledged"])
    assert ever["requests"] > 0 and ever["matches"] > 0 and Decimal(ever["disbursed"]) > 0


def test_a_request_withdrawn_before_submission_is_in_no_public_figure(
    client: Client, focal_point_ken: Any
) -> None:
    withdrawn = factories.assistance_request(
        focal_point_ken, status=AssistanceRequest.Status.WITHDRAWN
    )
    factories.assistance_request(focal_point_ken, status=AssistanceRequest.Status.SUBMITTED)
    assert AssistanceRequest.objects.count() == 2
    assert client.get("/api/v1/figures").json()["requests"] == 1
    assert len(export(client, "requests")) == 1
    # One request, so its label is in the singular.
    assert tiles(client.get("/en/figures/").content.decode())["request for assistance"] == "1"
    # Nor is it shown to the public, any more than a draft is.
    assert client.get(f"/en/requests/{withdrawn.pk}/").status_code in (403, 404)
