"""The scheduler: the periodic work of the mechanism, one pass at a time.

A pass lapses the deadlines that have passed and sends the reminders due (`deadlines`), sends
yesterday's daily digests, e-mails any at-once notice whose e-mail job was lost, and runs the
periodic work the parts above register (`periodic`): the scheduled contact checks. Every part
of it is idempotent, so a pass run twice, or by two workers at once, sends nothing twice. Each
worker runs a pass every `EF_TICK_EVERY` seconds; `equalfooting tick` runs one from cron.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils import timezone

from equalfooting import permissions
from equalfooting.deadlines.services import deadlines_sweep
from equalfooting.notifications.services import deliver_pending, digest_send

logger = logging.getLogger("equalfooting.jobs")
SCHEDULER = permissions.SYSTEM_SCHEDULER
# An at-once e-mail still unsent this long after its notice is taken to be lost.
LOST_EMAIL_AFTER = dt.timedelta(minutes=10)


Work = Callable[..., Any]
_PERIODIC: dict[str, Work] = {}


def periodic(name: str, work: Work) -> None:
    """Register a part's periodic work, `work(*, actor, now)`, run on every pass; it decides
    itself whether anything is due, and must be idempotent (several workers pass at once)."""
    _PERIODIC[name] = work


def tick(*, actor: Any = SCHEDULER, now: dt.datetime | None = None) -> dict[str, Any]:
    """One pass of the scheduler; what it did, by part."""
    permissions.require(actor, "deadline.sweep")
    now = now or timezone.now()
    done: dict[str, Any] = {"at": now.isoformat(timespec="seconds")}
    steps: dict[str, Work] = {
        "deadlines": lambda: deadlines_sweep(actor=actor, now=now),
        "digests": lambda: digest_send(day=(now - dt.timedelta(days=1)).date()),
        "emails": lambda: deliver_pending(before=now - LOST_EMAIL_AFTER),
        **{name: partial(work, actor=actor, now=now) for name, work in sorted(_PERIODIC.items())},
    }
    for name, step in steps.items():
        try:
            done[name] = step()
        except Exception:  # one step's failure must not stop the pass; it runs again next pass
            logger.exception("Scheduler step %s failed", name)
            done[name] = {"error": True}  # the log says what went wrong
    return done
