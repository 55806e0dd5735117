from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import subprocess_env

PACKAGE = Path(__file__).resolve().parent.parent / "equalfooting"


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for template in (PACKAGE / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {template}"
        assert "<style" not in text, f"inline style in {template}"
        assert not re.search(r"\sstyle=", text), f"style attribute in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"event handler attribute in {template}"


def test_no_template_or_static_file_loads_from_another_host() -> None:
    pattern = re.compile(r"""(src|href)=["']https?://|url\(["']?https?://|@import[^;]*https?://""")
    for path in list((PACKAGE / "templates").rglob("*.html")) + list(
        (PACKAGE / "static").rglob("*.css")
    ):
        assert not pattern.search(path.read_text(encoding="utf-8")), f"remote resource in {path}"


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = subprocess_env(
        EF_ENV="production",
        SECRET_KEY="x" * 20 + "-not-a-real-secret-but-long-enough-for-the-check-1234",
        ALLOWED_HOSTS="mechanism.example.org",
        EF_HOME=str(tmp_path),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "equalfooting.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = subprocess_env(
        EF_ENV="production", ALLOWED_HOSTS="mechanism.example.org", EF_HOME=str(tmp_path)
    )
    result = subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
