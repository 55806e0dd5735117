"""Benchmark the at-once notification e-mails of one event; prints one JSON object.

    python bench/notify.py --recipients 5000 --minimum 200

Builds a throwaway SQLite database under a temporary folder, creates the recipients (their
languages cycling through the six) and tells them all of one proposed match inside one
transaction: the commit renders each e-mail in its reader's language and sends it through
Django's in-memory e-mail backend. Measures the whole (inbox rows written, e-mails rendered and
sent), checks that every recipient got one e-mail in their own language, and exits 1 if fewer
than `--minimum` e-mails a second were sent (the JSON is printed in every case).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# One script of each language's own letters, to see a subject was really translated.
SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "ru": re.compile(r"[\u0400-\u04FF]"),
    "zh-hans": re.compile(r"[\u4E00-\u9FFF]"),
}


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=5_000)
    parser.add_argument(
        "--minimum", type=float, default=200.0, help="fewest e-mails a second (exit 1 below it)"
    )
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="ef-bench-")
    os.environ.update(
        EF_HOME=home,
        DJANGO_SETTINGS_MODULE="equalfooting.settings",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    os.environ.pop("DATABASE_URL", None)
    # Django and the project are imported only once EF_HOME and the settings are chosen above.
    import django

    django.setup()
    # The models need a set-up Django.
    from django.conf import settings
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings
    from django.urls import reverse

    from equalfooting.accounts.models import User
    from equalfooting.notifications.models import Notification
    from equalfooting.notifications.services import notify

    call_command("migrate", verbosity=0)
    # The e-mails are a job; here it runs when queued, as a worker taking it at once would, so
    # the measure is the e-mails' rendering and sending, not the queue's round trip.
    override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ).enable()
    languages = list(settings.LANGUAGE_CODES)
    User.objects.bulk_create(
        [
            User(
                username=f"bench{i:05d}",
                email=f"bench{i:05d}@example.org",
                password=UNUSABLE_PASSWORD_PREFIX,  # nobody signs in
                language=languages[i % len(languages)],
                is_synthetic=True,
            )
            for i in range(args.recipients)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(is_synthetic=True).order_by("pk"))
    language_of = {person.email: person.language for person in people}
    mail.outbox = []
    before = peak_mb()

    began = time.perf_counter()
    with transaction.atomic():  # the commit sends the e-mails (on_commit, robust)
        rows = notify(
            kind=Notification.Kind.MATCH_PROPOSED,
            recipients=people,
            about=1,
            context={"round": 1, "units": 3, "request": "REQ-00001", "offer": "OFF-00001"},
            link=reverse("matchmaking:round_detail", kwargs={"round_id": 1}),
        )
        written = time.perf_counter() - began
    seconds = time.perf_counter() - began

    outbox = list(mail.outbox)
    sent = Counter(language_of.get(message.to[0], "?") for message in outbox)
    subjects: dict[str, set[str]] = {}
    for message in outbox:
        subjects.setdefault(language_of.get(message.to[0], "?"), set()).add(str(message.subject))
    figures = {
        "recipients": args.recipients,
        "rows_written": len(rows),
        "emails_sent": len(outbox),
        "languages": dict(sorted(sent.items())),
        "seconds": round(seconds, 2),
        "notify_seconds": round(written, 2),
        "deliver_seconds": round(seconds - written, 2),
        "emails_per_second": round(len(outbox) / seconds, 1) if seconds else 0.0,
        "rows_per_second": round(len(rows) / written, 1) if written else 0.0,
        "peak_rss_mb_before": before,
        "peak_mb": peak_mb(),
        "minimum": args.minimum,
    }
    print(json.dumps(figures))

    problems = []
    with_email = sum(1 for person in people if person.email)
    if len(outbox) != with_email:
        problems.append(f"{len(outbox)} e-mails sent for {with_email} recipients with e-mail")
    if len(set(message.to[0] for message in outbox)) != len(outbox):
        problems.append("some recipient received more than one e-mail")
    for language in languages:
        if len(subjects.get(language, ())) != 1:
            problems.append(f"{language}: expected one subject, got {subjects.get(language)}")
    distinct = {next(iter(found)) for found in subjects.values() if found}
    if len(distinct) != len(languages):
        problems.append(f"{len(distinct)} distinct subjects for {len(languages)} languages")
    for language, script in SCRIPTS.items():
        if not any(script.search(subject) for subject in subjects.get(language, ())):
            problems.append(f"{language}: subject not in its own script: {subjects.get(language)}")
    if figures["emails_per_second"] < args.minimum:
        problems.append(f"{figures['emails_per_second']} e-mails a second, below {args.minimum}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
