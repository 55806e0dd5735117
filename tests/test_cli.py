"""The command line, run as a user runs it: in a subprocess, on its own SQLite database.

Only what needs the installed command end to end is here (the demo on a fresh database, the
pass-through to Django); every command's own behaviour is tested in-process in tests/cli/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, home: Path, database: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, run as a user would, on the installation at `home` (and the
    database at `database`, a DATABASE_URL, when given)."""
    env = subprocess_env(EF_HOME=str(home), **({"DATABASE_URL": database} if database else {}))
    return subprocess.run(
        [sys.executable, "-m", "equalfooting.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("efhome")
    first = run("demo", "--no-serve", home=home)
    assert first.returncode == 0, first.stderr
    return home


def test_demo_sets_up_prints_logins_and_is_safe_to_run_twice(demo_home: Path) -> None:
    second = run("demo", "--no-serve", home=demo_home)
    assert second.returncode == 0, second.stderr
    # Set up without serving: it says how to serve, not where to open; e-mails go to files.
    assert "Open http" not in second.stdout and "equalfooting demo" in second.stdout
    assert f"E-mails are written as files to {demo_home / 'mail'}" in second.stdout
    assert "Subject:" not in second.stdout
    for role in ("Secretariat", "Reviewer", "State focal point", "Provider"):
        assert role in second.stdout
    assert "Reference data are up to date." in second.stdout
    assert (demo_home / "equalfooting.sqlite3").exists()


def test_the_audit_chain_and_the_allocation_round_verify_after_the_demo(demo_home: Path) -> None:
    audit = run("audit", "verify", home=demo_home)
    assert audit.returncode == 0, audit.stderr
    words = audit.stdout.split()
    assert words[0] == "OK" and words[2] == "entries" and len(words[3]) == 64
    fund = run("fund", "verify", "--round", "1", home=demo_home)
    assert fund.returncode == 0, fund.stderr
    assert fund.stdout.splitlines()[0].startswith("OK ledger:")
    assert fund.stdout.splitlines()[1].startswith("OK allocation round 1:")
    missing = run("fund", "verify", "--round", "99", home=demo_home)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


WORK_OF_EACH_LOGIN = """
import json
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from equalfooting.accounts.models import User
found = {}
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
for name in ("demo-secretariat", "demo-reviewer", "demo-focal-ken", "demo-provider"):
    client = Client()
    user = User.objects.get(username=name)
    client.force_login(user)
    # A session that passed two-factor authentication, as the Secretariat's and reviewers' must.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="check", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    html = client.get("/en/my-work/").content.decode()
    found[name] = html.count('<tr class="waiting">')
print(json.dumps(found))
"""


def test_the_demo_leaves_every_login_something_waiting(demo_home: Path) -> None:
    """A newcomer signing in as any demo login sees the flow at once: a match to answer, a match
    to confirm, a review to write, nominations and requests to screen."""
    env = subprocess_env(
        EF_HOME=str(demo_home),
        DJANGO_SETTINGS_MODULE="equalfooting.settings",
        ALLOWED_HOSTS="testserver",
    )
    done = subprocess.run(
        [sys.executable, "-c", WORK_OF_EACH_LOGIN],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    waiting = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(n >= 1 for n in waiting.values()), waiting


def test_manage_passes_through_to_django(tmp_path: Path) -> None:
    result = run("manage", "check", home=tmp_path)
    assert result.returncode == 0 and "no issues" in result.stdout


def test_usage_errors_exit_2_from_the_installed_command(tmp_path: Path) -> None:
    result = run("export", "secrets", "--out", "-", home=tmp_path)
    assert result.returncode == 2 and "choose from" in result.stderr
    assert run("--help", home=tmp_path).returncode == 0
