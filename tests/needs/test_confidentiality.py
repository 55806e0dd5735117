"""A private assessment appears in no public page and no public API response.

Every public route is found from the URL configuration and the API's route table and
fetched with the private assessment's identifiers filled in; the marker string written into
the assessment must appear in none of the answers. Every export, in every format, is searched too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from equalfooting.api.main import api
from tests import factories
from tests.test_foreign_state_writes import _walk

pytestmark = pytest.mark.django_db

MARKER = "CONFIDENTIAL-MARKER-7f3a9c"


@pytest.fixture
def private_assessment(focal_point_ken: Any, state_ken: Any) -> Any:
    return factories.submitted_assessment(
        focal_point_ken, state_ken, stage=3, note=MARKER, targets={"policy": 5}
    )


def fill(route: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        for converter in ("str", "int", ""):
            route = route.replace(f"<{converter}:{name}>" if converter else f"<{name}>", value)
        route = route.replace("{" + name + "}", value)
    return route


def public_web_routes() -> list[tuple[str, URLPattern]]:
    return [
        (route, p)
        for route, p in _walk(get_resolver().url_patterns)
        if not route.startswith("api/")
    ]


def api_get_paths() -> list[str]:
    paths = []
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            if any("GET" in op.methods for op in view.operations):
                paths.append("/api/v1/" + path.lstrip("/"))
    return paths


def test_the_private_assessment_is_in_no_public_page_or_api_answer(
    client: Client, private_assessment: Any
) -> None:
    values = {
        "iso3": "KEN",
        "assessment_id": str(private_assessment.pk),
        "request_id": "1",
        "contact_id": "1",
        "code": "AU",
        "token": "x",
        "pk": "1",
        "uidb64": "x",
    }
    fetched = 0
    for route, _pattern in public_web_routes():
        url = "/" + fill(route, values)
        response = client.get(url)
        fetched += 1
        assert MARKER not in response.content.decode(errors="replace"), url
    for path in api_get_paths():
        response = client.get(fill(path, values))
        fetched += 1
        assert MARKER not in response.content.decode(errors="replace"), path
    # Every export, in every format: the marker is in none of them (XLSX is a zip: look inside).
    import io
    import zipfile

    from equalfooting.transparency import exports

    for dataset in exports.DATASETS:
        for fmt in exports.FORMATS:
            download: Any = factories.open_data(client, f"/en/open-data/{dataset}.{fmt}")
            data = b"".join(download.streaming_content)
            if fmt == "xlsx":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    data = b"".join(archive.read(name) for name in archive.namelist())
            fetched += 1
            assert MARKER.encode() not in data, f"{dataset}.{fmt}"
    assert fetched > 25
    # The marker is really there for those allowed to read it, so the search above can fail.
    from django.test import Client as Fresh

    owner = Fresh()
    owner.force_login(private_assessment.submitted_by)
    assert MARKER in owner.get(f"/en/assessments/{private_assessment.pk}/").content.decode()
    assert MARKER in owner.get(f"/api/v1/assessments/{private_assessment.pk}").content.decode()


def test_another_states_focal_point_and_providers_do_not_see_it(
    client: Client, private_assessment: Any, focal_point_fra: Any
) -> None:
    client.force_login(focal_point_fra)
    for url in (
        f"/en/assessments/{private_assessment.pk}/",
        f"/api/v1/assessments/{private_assessment.pk}",
        "/api/v1/states/KEN/assessments",
        "/en/states/KEN/assessments/",
        "/en/states/KEN/",
    ):
        response = client.get(url)
        assert MARKER not in response.content.decode(), url
    assert client.get("/api/v1/states/KEN/assessments").json() == []
