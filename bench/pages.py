"""Page budgets at two sizes of installation, in one run; prints one JSON object.

    python bench/populate.py --scale 1    (with DATABASE_URL=…/ef_s1)
    python bench/populate.py --scale 100  (with DATABASE_URL=…/ef_s100)
    python bench/pages.py --small postgres://postgres@127.0.0.1/ef_s1 \\
                          --large postgres://postgres@127.0.0.1/ef_s100

Each installation is served by `equalfooting serve` as in production (gunicorn, EF_ENV=
production, the shared cache in the database). For each main page, wrk (Debian package `wrk`)
drives `--connections` connections for `--seconds` at the small installation, then at the
large one, `--rounds` times over, keeping each size's best p90; `/healthz` is driven the same
way before and after. Public pages are read as the
public reads them (not signed in); each role's home page (My work) as its demo person, signed
in. For each page it prints the p90 latency at each size, the growth ratio (large over small),
for public pages the ratio to the p90 of `/healthz` at the large size, and the number of
database queries one uncached render takes at each size (counted in-process with Django's
test client, the cache emptied first).

Budgets (issue 13): growth ratio ≤ 1.5 for every page; public pages ≤ 5 × `/healthz`; a query
count that does not grow with the data.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EQUALFOOTING = Path(sys.executable).parent / "equalfooting"

# (name, path, who reads it: None for the public, else a demo login). {round} is the demo's
# matching round, the first one.
PUBLIC = [
    ("home", "/en/"),
    ("states", "/en/states/"),
    ("state", "/en/states/KEN/"),
    ("requests", "/en/requests/"),
    ("offers", "/en/offers/"),
    ("rounds", "/en/rounds/"),
    ("round", "/en/rounds/{round}/"),
    ("fund", "/en/fund/"),
    ("ledger", "/en/fund/ledger/"),
    ("figures", "/en/figures/"),
    ("fairness", "/en/figures/fairness/"),
    ("map", "/en/figures/map/"),
    ("audit", "/en/audit/"),
    ("open_data", "/en/open-data/"),
]
HOMES = [
    ("my_work_focal_point", "demo-focal-ken"),
    ("my_work_provider", "demo-provider"),
    ("my_work_reviewer", "demo-reviewer"),
    ("my_work_secretariat", "demo-secretariat"),
]
MY_WORK = "/en/my-work/"


def say(message: str) -> None:
    print(f"[pages] {message}", file=sys.stderr, flush=True)


# --- inside one installation (a process of its own, with its DATABASE_URL) --------------------


def inside() -> int:
    """Sign the demo people in (a session each; TOTP marked passed for the privileged roles)
    and count each page's queries. Prints JSON: cookies, the round's number, query counts."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from equalfooting.accounts.models import User
    from equalfooting.matchmaking.models import Round

    # The installation was built with the development cache; production's is a table.
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `serve` does
    round_ = Round.objects.order_by("pk").first()
    paths = {name: path.format(round=round_.pk if round_ else 0) for name, path in PUBLIC}
    cookies: dict[str, str] = {}
    for _name, username in HOMES:
        user = User.objects.get(username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        # A confirmed authenticator, as if the person had enrolled and passed the code.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        cookies[username] = session.session_key or ""
    queries: dict[str, int] = {}
    client = Client(SERVER_NAME="127.0.0.1")
    for name, path in paths.items():
        cache.clear()
        with CaptureQueriesContext(connection) as counted:
            status = client.get(path).status_code
        assert status == 200, f"{path} answered {status}"
        queries[name] = len(counted)
    for name, username in HOMES:
        client.cookies["sessionid"] = cookies[username]
        with CaptureQueriesContext(connection) as counted:
            status = client.get(MY_WORK).status_code
        assert status == 200, f"{MY_WORK} as {username} answered {status}"
        queries[name] = len(counted)
    print(json.dumps({"cookies": cookies, "paths": paths, "queries": queries}))
    return 0


# --- the driver --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Installation:
    """One installation, served by `equalfooting serve` on a port of its own."""

    def __init__(self, label: str, database_url: str, workers: int) -> None:
        self.label, self.port = label, free_port()
        self.home = tempfile.mkdtemp(prefix=f"ef-pages-{label}-")
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "EF_HOME": self.home,
            "EF_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "EF_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "equalfooting.settings",
        }
        self.env.pop("CACHE_URL", None)  # production's default: the shared cache in the database
        say(f"{label}: signing in the demo people, counting queries")
        out = subprocess.run(
            [sys.executable, __file__, "--inside"], env=self.env, capture_output=True, text=True
        )
        if out.returncode:
            raise SystemExit(f"error: preparing the {label} installation failed:\n{out.stderr}")
        self.facts = json.loads(out.stdout)
        self.server = subprocess.Popen(
            [
                str(EQUALFOOTING),
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_ready()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"error: the {self.label} server did not start on port {self.port}")

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)
        shutil.rmtree(self.home, ignore_errors=True)


LATENCY = re.compile(r"^\s+90%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
REQUESTS = re.compile(r"^\s+(\d+) requests in", re.MULTILINE)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None) -> dict[str, Any]:
    """p90 latency (ms) and requests served, by wrk with its latency distribution."""
    command = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"error: {url} answered with errors under load:\n{out}")
    found = LATENCY.search(out)
    served = REQUESTS.search(out)
    if not found or not served:
        raise SystemExit(f"error: could not read wrk's output for {url}:\n{out}")
    return {
        "p90_ms": round(float(found.group(1)) * UNIT[found.group(2)], 2),
        "requests": int(served.group(1)),
    }


def warm(url: str, cookie: str | None) -> None:
    """One request first: a public page's first reader fills the cache for the others."""
    request = urllib.request.Request(url)  # noqa: S310 - our own server on loopback
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
        answer.read()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--small", help="DATABASE_URL of the installation at scale 1")
    parser.add_argument("--large", help="DATABASE_URL of the installation at scale 100")
    parser.add_argument(
        "--seconds", type=int, default=6, help="per run of a page at one size (default 6)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="runs of each page at each size (default 2)"
    )
    parser.add_argument("--connections", type=int, default=16, help="default 16")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--only", nargs="*", help="page names to measure (default all)")
    args = parser.parse_args()
    if args.inside:
        return inside()
    if not (args.small and args.large):
        parser.error("--small and --large name the two installations' databases")
    if shutil.which("wrk") is None:
        sys.exit("error: wrk is not installed (Debian package wrk: apt-get install wrk)")
    sizes = {
        "small": Installation("small", args.small, args.workers),
        "large": Installation("large", args.large, args.workers),
    }
    load = {"seconds": args.seconds, "connections": args.connections}
    try:
        report: dict[str, Any] = {
            **load,
            "rounds": args.rounds,
            "workers": args.workers,
            "pages": {},
        }

        def measure(name: str, key: str, cookie_of: str | None) -> dict[str, Any]:
            figures: dict[str, Any] = {}
            # Small, large, small, large…: each size's best p90 of its runs, so that a burst
            # of other work on the machine during one run does not decide the ratio.
            for _round in range(args.rounds):
                for size, installation in sizes.items():
                    path = installation.facts["paths"].get(key, key)
                    cookie = installation.facts["cookies"][cookie_of] if cookie_of else None
                    warm(installation.url(path), cookie)
                    run = wrk(installation.url(path), cookie=cookie, **load)
                    best = figures.get(f"p90_ms_{size}", run["p90_ms"])
                    figures[f"p90_ms_{size}"] = min(best, run["p90_ms"])
                    figures[f"requests_{size}"] = (
                        figures.get(f"requests_{size}", 0) + run["requests"]
                    )
                    figures[f"queries_{size}"] = installation.facts["queries"].get(name)
            figures["growth"] = round(figures["p90_ms_large"] / figures["p90_ms_small"], 2)
            say(f"{name}: {figures}")
            return figures

        healthz = measure("healthz", "/healthz", None)
        report["healthz"] = healthz
        for name, _path in PUBLIC:
            if args.only and name not in args.only:
                continue
            page = measure(name, name, None)
            page["over_healthz"] = round(page["p90_ms_large"] / healthz["p90_ms_large"], 2)
            report["pages"][name] = page
        for name, username in HOMES:
            if args.only and name not in args.only:
                continue
            report["pages"][name] = measure(name, MY_WORK, username)
        report["healthz_after"] = measure("healthz", "/healthz", None)
        report["max_growth"] = max(p["growth"] for p in report["pages"].values())
        public = [p["over_healthz"] for p in report["pages"].values() if "over_healthz" in p]
        report["max_public_over_healthz"] = max(public) if public else None
        report["queries_grow"] = sorted(
            name
            for name, p in report["pages"].items()
            if (p["queries_large"] or 0) > (p["queries_small"] or 0)
        )
    finally:
        for installation in sizes.values():
            installation.stop()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
