"""The synthetic demo scenario. Everything here is generated and marked as such.

Running it twice changes nothing the first run made.
"""

from __future__ import annotations

from django.db import transaction

from equalfooting.accounts.models import Role, User
from equalfooting.accounts.services import role_grant_system, role_nominate
from equalfooting.audit.services import audit_append
from equalfooting.core.models import Installation
from equalfooting.offers.models import Provider
from equalfooting.registry.models import State, StateProfile

ACTOR = "system:demo"

# (username, kind, state ISO3 or None, focal kind)
FOCAL_POINTS = [
    ("demo-focal-ken", "KEN", "diplomatic"),
    ("demo-focal-fji", "FJI", "technical"),
    ("demo-focal-bol", "BOL", "diplomatic"),
    ("demo-focal-npl", "NPL", "technical"),
    ("demo-focal-jor", "JOR", "technical"),
]
PROFILES = {
    "KEN": ("National CERT (synthetic)", "National cybersecurity strategy (synthetic)"),
    "FJI": ("National CSIRT (synthetic)", ""),
    "NPL": ("", "Draft national cybersecurity policy (synthetic)"),
}
SYNTHETIC_SUMMARY = (
    "Synthetic demo data: this text was generated for the demonstration and describes no real "
    "State's capacity."
)


def _user(username: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@demo.invalid", "is_synthetic": True},
    )
    if created:
        user.set_password(password)
        user.save()
    return user


@transaction.atomic
def build(*, password: str) -> list[tuple[str, str, str]]:
    """Create the demo accounts, roles, provider and profiles; return one login per role."""
    installation, _created = Installation.objects.get_or_create(pk=1)
    if not installation.has_synthetic_data:
        installation.has_synthetic_data = True
        installation.save()
        audit_append(
            actor=ACTOR,
            action="core.installation.synthetic",
            object_type="installation",
            object_id="1",
            state={"has_synthetic_data": True},
        )

    secretariat = _user("demo-secretariat", password)
    role_grant_system(actor=ACTOR, user=secretariat, kind=Role.Kind.SECRETARIAT)
    reviewer = _user("demo-reviewer", password)
    role_grant_system(actor=ACTOR, user=reviewer, kind=Role.Kind.REVIEWER)

    provider, _created = Provider.objects.get_or_create(
        name="Synthetic Cyber Academy (synthetic demo data)",
        defaults={"kind": Provider.Kind.ACADEMIA, "is_synthetic": True},
    )
    provider_user = _user("demo-provider", password)
    role_grant_system(actor=ACTOR, user=provider_user, kind=Role.Kind.PROVIDER, provider=provider)

    states = {s.iso3: s for s in State.objects.filter(iso3__in=[fp[1] for fp in FOCAL_POINTS])}
    for username, iso3, focal_kind in FOCAL_POINTS:
        user = _user(username, password)
        role_grant_system(
            actor=ACTOR,
            user=user,
            kind=Role.Kind.FOCAL_POINT,
            state=states[iso3],
            focal_kind=focal_kind,
        )

    for iso3, (cert, strategy) in PROFILES.items():
        if not StateProfile.objects.filter(state=states[iso3]).exists():
            profile = StateProfile.objects.create(
                state=states[iso3],
                summary=SYNTHETIC_SUMMARY,
                national_cert=cert,
                strategy=strategy,
                is_synthetic=True,
            )
            audit_append(
                actor=ACTOR,
                action="registry.profile.update",
                object_type="state_profile",
                object_id=iso3,
                state={
                    "state": iso3,
                    "summary": profile.summary,
                    "national_cert": cert,
                    "strategy": strategy,
                    "website": "",
                    "synthetic": True,
                },
            )

    # A nomination waiting for the Secretariat, made by Kenya's verified focal point.
    kenya = User.objects.get(username="demo-focal-ken")
    if not Role.objects.filter(user__username="demo-nominee-ken@demo.invalid").exists():
        role_nominate(
            actor=kenya,
            email="demo-nominee-ken@demo.invalid",
            kind=Role.Kind.FOCAL_POINT,
            state=states["KEN"],
            focal_kind="technical",
            reference="Synthetic note verbale 001",
        )

    from equalfooting import demo_fund, demo_matching, demo_needs

    # Each part is idempotent on its own, so a demo made by an older version gains what is new.
    demo_needs.build(password=password, secretariat=secretariat)
    officer = demo_needs.VerifiedSession(secretariat).user
    demo_matching.build(password=password, officer=officer)
    demo_fund.build(officer=officer)

    return [
        ("Secretariat", "demo-secretariat", "enrols TOTP 2FA at first sign-in"),
        ("Reviewer", "demo-reviewer", "enrols TOTP 2FA at first sign-in"),
        ("State focal point", "demo-focal-ken", "Kenya, diplomatic"),
        ("Provider", "demo-provider", "Synthetic Cyber Academy"),
    ]
