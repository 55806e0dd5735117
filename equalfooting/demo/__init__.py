"""The synthetic demo scenario. Everything here is generated and marked as such.

The scenario is built through the mechanism's own services, as the people in it would build it:
each State's focal point writes its assessment and requests, each provider's representative its
offers, and a synthetic Secretariat officer (`officer.builder`, who passes two-factor
authentication with a real TOTP code) screens, verifies, runs the round and keeps the fund.
So the demo obeys the same rules as real users, and every step is in the audit chain.

Running it twice changes nothing the first run made: each part is idempotent on its own, so a
demo made by an older version gains what is new.
"""

from __future__ import annotations

from django.db import transaction

from equalfooting.demo import fund, matching, needs, officer, people

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
    builder = officer.builder()
    people.build(password=password, officer=builder)
    needs.build(password=password, officer=builder)
    matching.build(password=password, officer=builder)
    fund.build(officer=builder)
    return list(LOGINS)
