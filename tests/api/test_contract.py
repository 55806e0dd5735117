"""The API keeps its contract: schemathesis generates requests from the OpenAPI document,
anonymous and with a token, and every answer is documented and is no server error (issue 11).

Examples are bounded and derandomised so the run is the same every time and takes seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from equalfooting.accounts.models import ApiToken
from equalfooting.accounts.services import api_token_create
from tests import factories

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(db: Any) -> Iterator[Any]:
    """The API as a WSGI application, without the per-request connection closing.

    A WSGI handler closes the database connection when each request ends; inside a test that
    connection holds the test's transaction (on PostgreSQL, closing it ends the test). Django's
    own test client suspends the same handlers for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def write_token(db: Any) -> str:
    focal_point = factories.focal_point("KEN")
    _token, key = api_token_create(actor=focal_point, name="contract", scope=ApiToken.Scope.WRITE)
    return key


def violations(api_schema: Any, headers: dict[str, str]) -> list[str]:
    """Run every operation's generated examples; name each operation that breaks the contract.

    (schemathesis' own pytest plugin does not run under this pytest: each operation is driven
    through its Hypothesis strategy here instead.)
    """
    found: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def check(case: Any) -> None:
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:
            found.append(f"{operation.label}: {str(failure).strip().splitlines()[0:12]}")
    return found


def test_anonymous_calls_keep_the_contract(api_schema: Any) -> None:
    assert violations(api_schema, {}) == []


def test_calls_with_a_token_keep_the_contract(api_schema: Any, write_token: str) -> None:
    assert violations(api_schema, {"Authorization": f"Bearer {write_token}"}) == []


def test_every_schema_name_means_one_shape() -> None:
    """Ninja files schemas by class name: two different classes of one name would silently
    share one entry of the document (there were two RoundOut and two FiguresOut)."""
    from ninja import Schema

    # Imported for its routers: every API schema class exists once the API is built.
    from equalfooting.api.main import api

    assert api.get_openapi_schema()["components"]["schemas"]
    shapes: dict[str, set[str]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("equalfooting."):
                shape = json.dumps(sub.model_json_schema(), sort_keys=True)  # type: ignore[attr-defined]
                shapes.setdefault(sub.__name__, set()).add(shape)
            walk(sub)

    walk(Schema)
    assert {name for name, seen in shapes.items() if len(seen) > 1} == set()


def test_the_document_names_no_key_twice(client: Any) -> None:
    """Python reads a JSON object with a repeated key without a word; Swagger UI's parser
    refuses the whole document (the answers were once keyed both 404 and "404")."""

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    text = client.get("/api/v1/openapi.json").content
    assert json.loads(text, object_pairs_hook=no_repeats)["paths"]
