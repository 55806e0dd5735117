"""Pages for the public are compressed for browsers that accept it; signed-in pages never are
(BREACH: they hold a CSRF token and the reader's own data)."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_page_for_the_public_is_compressed_when_the_browser_accepts_it(client: Client) -> None:
    plain = client.get("/en/states/")
    assert "Content-Encoding" not in plain
    packed = client.get("/en/states/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in packed["Vary"]


def test_a_signed_in_page_is_never_compressed(client: Client, focal_point_ken: Any) -> None:
    client.force_login(focal_point_ken)
    for page in ("/en/states/", "/en/my-work/"):
        response = client.get(page, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert "Content-Encoding" not in response
        assert b"<html" in response.content
