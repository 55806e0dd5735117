from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from equalfooting.audit.services import audit_append
from equalfooting.transparency import exports
from tests import factories

pytestmark = pytest.mark.django_db


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("dataset", list(exports.DATASETS))
@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_every_dataset_exports_in_every_format(client: Client, dataset: str, fmt: str) -> None:
    response = factories.open_data(client, f"/en/open-data/{dataset}.{fmt}", {"lang": "fr"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES[fmt]
    data = body(response)
    columns = list(exports.DATASETS[dataset].columns)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == columns
    elif fmt == "json":
        parsed = json.loads(data)
        assert parsed["dataset"] == dataset and parsed["language"] == "fr"
        assert all(list(row) == columns for row in parsed["rows"])
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert any(name.startswith("xl/worksheets/") for name in archive.namelist())


def test_labels_come_in_the_chosen_language(client: Client) -> None:
    rows = json.loads(body(client.get("/en/open-data/states.json", {"lang": "fr"})))["rows"]
    kenya = next(r for r in rows if r["iso3"] == "KEN")
    with translation.override("fr"):
        expected = translation.gettext("Member State")
    assert kenya["status_label"] == expected != "Member State"
    assert kenya["name"] == "Kenya" and kenya["formal_name"] == "la République du Kenya"
    assert len(rows) == 195


def test_exports_answer_conditional_requests_and_change_with_the_data(client: Client) -> None:
    first = client.get("/en/open-data/states.csv")
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert (
        client.get("/en/open-data/states.csv", headers={"if-none-match": etag}).status_code == 304
    )
    assert (
        client.get(
            "/en/open-data/states.csv", {"lang": "ar"}, headers={"if-none-match": etag}
        ).status_code
        == 200
    )
    with transaction.atomic():
        audit_append(
            actor="system:test", action="test.change", object_type="t", object_id="1", state={}
        )
    assert (
        client.get("/en/open-data/states.csv", headers={"if-none-match": etag}).status_code == 200
    )


def test_pages_answer_conditional_requests(client: Client) -> None:
    first = client.get("/en/states/KEN/")
    assert first.status_code == 200 and first.has_header("ETag")
    again = client.get("/en/states/KEN/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_an_unknown_dataset_is_a_404(client: Client) -> None:
    assert client.get("/en/open-data/secrets.csv").status_code == 404
    assert client.get("/en/open-data/states.pdf").status_code == 404


def test_the_open_data_page_lists_every_dataset(client: Client) -> None:
    page = client.get("/ru/open-data/").content.decode()
    for dataset in exports.DATASETS:
        assert f"/ru/open-data/{dataset}.csv?lang=ar" in page
