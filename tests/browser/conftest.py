from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, current_code

CHROMIUM = Path(os.environ.get("EF_CHROMIUM", "/usr/bin/chromium"))
# Screenshots worth keeping go here; CI sets EF_ARTIFACTS and keeps the folder (.ci/run).
ARTIFACTS = Path(os.environ.get("EF_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))
# Playwright's sync API runs an event loop in this thread; the test server's database work
# happens in its own thread, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The flags keep Chromium from reaching any host of its own (updates, sync, metrics).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("EF_REQUIRE_BROWSER"):
            pytest.fail(f"EF_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.requests_seen = []
    page.console_errors = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


def keep_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save what the page shows as ARTIFACTS/<name>.png, a CI artefact; return the file."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=full_page)
    return shot


def sign_in(context: Any, base: str, username: str | None) -> None:
    """Sign the context's person in, with a second factor where the account has a device.

    The code is read before the browser starts: the live server shares this thread's database
    connection, so the test must not query the database while a page is being served."""
    if username is None:
        return
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    code = current_code(device) if device else None
    page = context.new_page()
    page.goto(f"{base}/en/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    if code:
        page.fill("input[name=token]", code)
        page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/en/my-work/")
    page.close()
