"""The register's spreadsheet goes out and comes back: export to XLSX, change three rows and
add one in the French template, and exactly those four records change, each audited, as the
dry run showed. A bad row writes nothing and says where and why, in the importer's language."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidFile
from equalfooting.programmes import imports, spreadsheet
from equalfooting.programmes.models import Activity
from equalfooting.programmes.services import activity_state
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_not_cached(settings: Any) -> None:
    settings.EF_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def register(provider_rep: Any, officer: Any) -> list[Activity]:
    return [
        factories.published_activity(provider_rep, officer, title=f"Programme {n}")
        for n in range(5)
    ]


@pytest.fixture
def curator(officer: Any) -> Client:
    client = Client()
    factories.login_with_2fa(client, officer)
    return client


def states() -> dict[int, dict[str, Any]]:
    return {a.pk: activity_state(a) for a in Activity.objects.all()}


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, name: str, data: bytes, lang: str = "fr") -> Any:
    return client.post(f"/{lang}/register/import/", {"file": SimpleUploadedFile(name, data)})


def test_the_round_trip_in_the_french_template(register: list[Activity], curator: Client) -> None:
    exported = curator.get("/fr/register/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    headers = rows[0]
    assert headers[:3] == ["Référence", "Titre", "Langue du titre"]
    column = {h: i for i, h in enumerate(headers)}
    by_reference = {row[0]: row for row in rows[1:]}
    # Three rows changed, in the French labels a French reader sees and edits ...
    by_reference[register[0].reference][column["Titre"]] = "Programme 0, seconde phase"
    by_reference[register[1].reference][column["Modalité"]] = "Formation"
    by_reference[register[2].reference][column["États bénéficiaires"]] = "Kenya; Sénégal"
    # ... and one added, without a reference.
    new = [""] * len(headers)
    for header, value in {
        "Titre": "Atelier régional sur la cybercriminalité",
        "Langue du titre": "fr",
        "Prestataires": "Agence Exemple",
        "Type de prestataire": "Organisation régionale",
        "États bénéficiaires": "SEN; CIV",
        "Thèmes": "legal",
        "Modalité": "Formation",
        "Phase": "Prévue",
        "Langues": "fr",
    }.items():
        new[column[header]] = value
    rows.append(new)
    before, entries = states(), AuditEntry.objects.count()

    dry_run = upload(curator, "registre.xlsx", xlsx(rows))
    assert dry_run.status_code == 200
    batch = dry_run.context["batch"]
    plans = {(r["plan"].reference, r["plan"].action) for r in dry_run.context["rows"]}
    assert dry_run.context["counts"] == {"create": 1, "update": 3, "unchanged": 2, "refused": 0}
    assert {r for r, action in plans if action == "update"} == {a.reference for a in register[:3]}
    assert states() == before and AuditEntry.objects.count() == entries  # nothing written

    applied = curator.post(f"/fr/register/import/{batch.pk}/")
    assert applied.status_code == 302
    after = states()
    changed = {pk for pk in before if after[pk] != before[pk]}
    assert changed == {a.pk for a in register[:3]}
    assert after[register[0].pk]["title"] == "Programme 0, seconde phase"
    assert after[register[1].pk]["modality"] == "training"
    assert after[register[2].pk]["beneficiaries"] == ["KEN", "SEN"]
    [created] = Activity.objects.exclude(pk__in=before)
    assert created.source == "imported" and created.provider_kind == "regional"
    assert sorted(s.iso3 for s in created.beneficiaries.all()) == ["CIV", "SEN"]
    actions = list(AuditEntry.objects.filter(seq__gt=entries).values_list("action", "object_id"))
    assert sorted(actions) == sorted(
        [("programmes.activity.import_update", str(a.pk)) for a in register[:3]]
        + [("programmes.activity.import", str(created.pk))]
    )
    # A second confirmation of the same file writes nothing more.
    again = curator.post(f"/fr/register/import/{batch.pk}/")
    assert again.status_code == 302 and AuditEntry.objects.count() == entries + 4


def test_the_csv_template_round_trips_unchanged(register: list[Activity], officer: Any) -> None:
    exported = Client().get("/ar/register/export.csv").content
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(register)
    plans = spreadsheet.plan(spreadsheet.read_file("registre.csv", exported))
    assert {p.action for p in plans} == {"unchanged"}


def test_one_bad_row_writes_nothing_and_says_where_and_why(
    register: list[Activity], curator: Client
) -> None:
    rows = [
        ["Référence", "Titre", "Langue du titre", "Prestataires", "Type de prestataire",
         "États bénéficiaires", "Thèmes", "Modalité", "Phase", "Langues"],
        ["", "Bon atelier", "fr", "Agence", "state", "KEN", "legal", "training", "planned", "fr"],
        ["", "Mauvais atelier", "fr", "Agence", "state", "Kenia", "legal", "séminaire",
         "planned", "fr"],
    ]  # fmt: skip
    before, entries = states(), AuditEntry.objects.count()
    dry_run = upload(curator, "registre.xlsx", xlsx(rows))
    bad = [r for r in dry_run.context["rows"] if r["refused"]]
    assert [r["plan"].line for r in bad] == [3]
    reasons = dict(bad[0]["errors"])
    assert "Kenya" in reasons["États bénéficiaires"]  # the closest UN name, in French
    assert "Modalité" in reasons
    assert dry_run.context["refused"]
    assert "Refusée" in dry_run.content.decode()  # what each row would do, in French too
    applied = curator.post(f"/fr/register/import/{dry_run.context['batch'].pk}/")
    assert applied.status_code == 302
    assert states() == before and AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("registre.xlsx", b"Titre,Fournisseurs\nA,B\n"),  # text named as a workbook
        ("registre.csv", xlsx([["Titre"], ["A"]])),  # a workbook named as text
        ("registre.pdf", b"%PDF-1.7"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    curator: Client, name: str, data: bytes
) -> None:
    refused = upload(curator, name, data, lang="en")
    assert refused.status_code == 422
    assert refused.context["error"]
    with pytest.raises(InvalidFile):
        spreadsheet.read_file(name, data)


def test_an_unknown_column_or_a_mechanism_record_is_refused(
    register: list[Activity], officer: Any
) -> None:
    with pytest.raises(InvalidFile):
        spreadsheet.plan([["Title", "Colour"], ["A", "red"]])
    Activity.objects.filter(pk=register[0].pk).update(source="mechanism")
    [plan] = spreadsheet.plan(
        [["reference", "title", "providers", "themes"], [register[0].reference, "X", "Y", "legal"]]
    )
    assert plan.action == "refused" and plan.errors[0][0] == "reference"


def test_only_the_secretariat_imports(register: list[Activity], provider_rep: Any) -> None:
    client = Client()
    client.force_login(provider_rep)
    assert upload(client, "registre.xlsx", b"x").status_code == 403
    assert Client().get("/en/register/import/").status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        imports.import_dry_run(actor=provider_rep, file_name="r.csv", content=b"Title\n")
