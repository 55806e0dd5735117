"""The synthetic demo scenario. Everything here is generated and marked as such.

The scenario is built through the mechanism's own services, as the people in it would build it:
each State's focal point writes its assessment and requests, each provider's representative its
offers. The Secretariat's part (screening, verifying, running the round, keeping the fund) is
done by the demo itself as the audited system actor `system:demo`, never by pretending to be a
signed-in person: its own rules in `permissions.RULES` grant it exactly those actions. So the
demo obeys the same rules as real users, and every step is in the audit chain.

Running it twice changes nothing the first run made: each part is idempotent on its own, so a
demo made by an older version gains what is new.
"""

from __future__ import annotations

from django.db import transaction

from equalfooting.demo import calendar, fund, library, matching, needs, people, programmes
from equalfooting.programmes.search import search_sync

LOGINS = [
    ("Secretariat", "demo-secretariat", "enrols TOTP 2FA at first sign-in"),
    ("Reviewer", "demo-reviewer", "enrols TOTP 2FA at first sign-in"),
    ("State focal point", "demo-focal-ken", "Kenya, diplomatic"),
    ("Provider", "demo-provider", "Synthetic Cyber Academy"),
]


@transaction.atomic
def build(*, password: str) -> list[tuple[str, str, str]]:
    """Build (or complete) the demo scenario; return one login per role: (role, user, note)."""
    people.label_installation()
    people.build(password=password, officer=people.ACTOR)
    needs.build(password=password, officer=people.ACTOR)
    matching.build(password=password, officer=people.ACTOR)
    fund.build(officer=people.ACTOR)
    programmes.build(officer=people.ACTOR)
    calendar.build()
    library.build()
    search_sync()  # searchable from the first page, not only after the scheduler's first pass
    return list(LOGINS)
