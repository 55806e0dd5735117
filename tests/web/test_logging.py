"""Every request has an id, answered in X-Request-ID and written on each of its log lines."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from log_request_id.filters import RequestIDFilter
from pythonjsonlogger.json import JsonFormatter

from tests.conftest import subprocess_env

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Django's request logger written as the settings' JSON formatter writes it."""
    logging_settings: dict[str, Any] = settings.LOGGING
    spec = {k: v for k, v in logging_settings["formatters"]["json"].items() if k != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIDFilter())
    handler.setFormatter(JsonFormatter(**spec))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert HEX_ID.match(first) and HEX_ID.match(second)
    assert first != second


@pytest.mark.django_db
def test_a_log_line_carries_the_id_of_its_request(json_lines: io.StringIO) -> None:
    response = Client().get("/en/no-such-page/")  # Django logs a 404 on django.request
    assert response.status_code == 404
    line = json.loads(json_lines.getvalue().splitlines()[-1])
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert "/en/no-such-page/" in line["message"] and line["time"]


@pytest.mark.django_db
def test_a_clients_own_id_is_not_trusted_without_a_proxy() -> None:
    answered = Client().get("/healthz", headers={"X-Request-ID": "chosen-by-client"})
    assert answered["X-Request-ID"] != "chosen-by-client"


@pytest.mark.django_db
@override_settings(LOG_REQUEST_ID_HEADER="HTTP_X_REQUEST_ID")
def test_behind_a_proxy_its_id_is_kept() -> None:
    # What the settings choose when EF_PROXY_COUNT is set: the proxy's id follows the request.
    answered = Client().get("/healthz", headers={"X-Request-ID": "proxy-7f3a"})
    assert answered["X-Request-ID"] == "proxy-7f3a"


def settings_of(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """The settings as a fresh process reads them from this environment."""
    code = (
        "import equalfooting.settings as s; "
        "print(s.LOGGING['handlers']['console']['formatter'], "
        "getattr(s, 'LOG_REQUEST_ID_HEADER', None))"
    )
    env = subprocess_env(EF_HOME=str(tmp_path), **environment)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_settings_choose_the_format_and_trust_a_proxys_id_only_behind_one(
    tmp_path: Path,
) -> None:
    assert settings_of(tmp_path).stdout.split() == ["text", "None"]
    behind = settings_of(tmp_path, EF_PROXY_COUNT="1", EF_LOG_FORMAT="json")
    assert behind.stdout.split() == ["json", "HTTP_X_REQUEST_ID"]
    production = settings_of(
        tmp_path, EF_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="example.org"
    )
    assert production.stdout.split()[0] == "json"
    wrong = settings_of(tmp_path, EF_LOG_FORMAT="xml")
    assert wrong.returncode != 0 and "EF_LOG_FORMAT must be json or text" in wrong.stderr
