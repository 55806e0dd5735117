"""Scheduled contact checks: the scheduler launches one `EF_CONTACT_CHECK_EVERY_DAYS` (default
180) after the last, so the directory is confirmed twice a year without anyone remembering to.

The first check of an installation is launched by the Secretariat: until then, nothing is
scheduled. Registered with the scheduler from `ContactsConfig.ready`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from equalfooting.jobs.schedule import periodic

from .models import CheckRound, PointOfContact
from .services import check_round_launch


def scheduled_check(*, actor: Any, now: dt.datetime) -> int:
    """Launch a contact check if the last is old enough; the number launched (0 or 1)."""
    every = dt.timedelta(days=settings.EF_CONTACT_CHECK_EVERY_DAYS)
    with transaction.atomic():
        # The latest round, locked: a second worker's pass waits here, then finds the round
        # this pass launched and launches none.
        last = CheckRound.objects.select_for_update().order_by("-launched_at", "-pk").first()
        if last is not None:
            last = CheckRound.objects.order_by("-launched_at", "-pk").first()
        if last is None or now - last.launched_at < every:
            return 0
        if not PointOfContact.objects.filter(status=PointOfContact.Status.VERIFIED).exists():
            return 0
        check_round_launch(actor=actor)
    return 1


def register() -> None:
    periodic("contact_checks", scheduled_check)
