"""Exports neutralise formulas (the OWASP rule) and never fail on stored text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from equalfooting.accounts.models import User
from equalfooting.domain.text import has_control_characters, printable, spreadsheet_cell
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.transparency import iati
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x.example/","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_would_be_a_formula_is_prefixed(text: str) -> None:
    assert spreadsheet_cell(text).startswith("'")


@pytest.mark.parametrize("text", ["Plain title", "Titre – é", "1 = 1", "e-mail"])
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert spreadsheet_cell(text) == text


def test_control_characters_are_named_and_removed() -> None:
    assert has_control_characters("a\x01b") and has_control_characters("a\x00")
    assert has_control_characters("two\nlines") and not has_control_characters(
        "two\nlines\tand a tab", multiline=True
    )
    assert printable("a\x01b\x7f\x85c") == "abc"


@pytest.fixture
def hostile_requests(focal_point_ken: User, officer: User) -> list[str]:
    """Public requests whose titles were stored before the doors refused such text."""
    titles = [*HOSTILE, "Control \x01 character"]
    for title in titles:
        request = factories.assistance_request(
            focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
        )
        AssistanceRequest.objects.filter(pk=request.pk).update(title=title)
    return titles


def test_csv_cells_are_neutralised(client: Client, hostile_requests: list[str]) -> None:
    response = client.get("/en/open-data/requests.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    titles = {row["title"] for row in rows}
    for title in HOSTILE:
        assert "'" + title in titles
    assert "Control  character" in titles


def test_xlsx_holds_text_not_formulas(client: Client, hostile_requests: list[str]) -> None:
    response = client.get("/en/open-data/requests.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    column = header.index("title") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert all(cell.data_type == "s" for cell in cells)
    assert {cell.value for cell in cells} >= {"'" + t for t in HOSTILE} | {"Control  character"}


def test_iati_file_is_written_despite_a_control_character(
    tmp_path: Path, match_proposed: Match
) -> None:
    Match.objects.filter(pk=match_proposed.pk).update(
        state_decision=Match.StateDecision.ACCEPTED,
        provider_decision=Match.ProviderDecision.CONFIRMED,
        agreed_at=timezone.now(),
    )
    AssistanceRequest.objects.filter(pk=match_proposed.request_id).update(title="Bad \x01 title")
    assert iati.write_activities(tmp_path / "activities.xml") == 1
    written = (tmp_path / "activities.xml").read_text(encoding="utf-8")
    assert "Bad  title" in written and "\x01" not in written
