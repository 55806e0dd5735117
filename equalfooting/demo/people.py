"""The demo's people: its printed logins, Kenya's pending nomination, and three State profiles."""

from __future__ import annotations

from equalfooting.accounts.models import Role, User
from equalfooting.accounts.services import role_grant_system, role_nominate
from equalfooting.audit.services import audit_append
from equalfooting.core.models import Installation
from equalfooting.offers.models import Provider
from equalfooting.offers.services import provider_create
from equalfooting.registry.models import State, StateProfile
from equalfooting.registry.services import state_profile_update

ACTOR = "system:demo"

ACADEMY = "Synthetic Cyber Academy (synthetic demo data)"
# (username, State ISO3, focal kind)
FOCAL_POINTS = [
    ("demo-focal-ken", "KEN", Role.FocalKind.DIPLOMATIC),
    ("demo-focal-fji", "FJI", Role.FocalKind.TECHNICAL),
    ("demo-focal-bol", "BOL", Role.FocalKind.DIPLOMATIC),
    ("demo-focal-npl", "NPL", Role.FocalKind.TECHNICAL),
    ("demo-focal-jor", "JOR", Role.FocalKind.TECHNICAL),
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


def synthetic_user(username: str, password: str) -> User:
    """A demo account, marked synthetic; the password is the one the demo prints."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@demo.invalid", "is_synthetic": True},
    )
    if created:
        user.set_password(password)
        user.save()
    return user


def focal_point_of(state: State) -> User | None:
    """A verified focal point of the State, to act for it."""
    return User.objects.filter(
        roles__state=state,
        roles__kind=Role.Kind.FOCAL_POINT,
        roles__status=Role.Status.VERIFIED,
    ).first()


def label_installation() -> None:
    """Mark the installation as holding synthetic data: every page then says so.

    No service keeps the installation row, so the demo writes the flag and its audit entry.
    """
    installation, _created = Installation.objects.get_or_create(pk=1)
    if installation.has_synthetic_data:
        return
    installation.has_synthetic_data = True
    installation.save()
    audit_append(
        actor=ACTOR,
        action="core.installation.synthetic",
        object_type="installation",
        object_id="1",
        state={"has_synthetic_data": True},
    )


def synthetic_provider(*, officer: str, name: str, kind: str) -> Provider:
    """The provider of this name, registered by the Secretariat and marked synthetic."""
    provider = Provider.objects.filter(name=name).first()
    if provider is None:
        provider = provider_create(actor=officer, name=name, kind=kind)
        Provider.objects.filter(pk=provider.pk).update(is_synthetic=True)
        provider.is_synthetic = True
    return provider


def build(*, password: str, officer: str) -> None:
    """The printed logins and their roles, the focal points, three profiles, one nomination."""
    secretariat = synthetic_user("demo-secretariat", password)
    role_grant_system(actor=ACTOR, user=secretariat, kind=Role.Kind.SECRETARIAT)
    reviewer = synthetic_user("demo-reviewer", password)
    role_grant_system(actor=ACTOR, user=reviewer, kind=Role.Kind.REVIEWER)

    provider_user = synthetic_user("demo-provider", password)
    academy = synthetic_provider(officer=officer, name=ACADEMY, kind=Provider.Kind.ACADEMIA)
    role_grant_system(actor=ACTOR, user=provider_user, kind=Role.Kind.PROVIDER, provider=academy)

    states = {s.iso3: s for s in State.objects.filter(iso3__in=[fp[1] for fp in FOCAL_POINTS])}
    focal_points = {}
    for username, iso3, focal_kind in FOCAL_POINTS:
        user = synthetic_user(username, password)
        role_grant_system(
            actor=ACTOR,
            user=user,
            kind=Role.Kind.FOCAL_POINT,
            state=states[iso3],
            focal_kind=focal_kind,
        )
        focal_points[iso3] = user

    # Each profile is written by the State's own focal point, as the profile page does.
    for iso3, (cert, strategy) in PROFILES.items():
        if StateProfile.objects.filter(state=states[iso3]).exists():
            continue
        profile = state_profile_update(
            actor=focal_points[iso3],
            state=states[iso3],
            summary=SYNTHETIC_SUMMARY,
            national_cert=cert,
            strategy=strategy,
        )
        StateProfile.objects.filter(pk=profile.pk).update(is_synthetic=True)

    # A nomination waiting for the Secretariat, made by Kenya's verified focal point.
    if not Role.objects.filter(user__username="demo-nominee-ken@demo.invalid").exists():
        role_nominate(
            actor=focal_points["KEN"],
            email="demo-nominee-ken@demo.invalid",
            kind=Role.Kind.FOCAL_POINT,
            state=states["KEN"],
            focal_kind=Role.FocalKind.TECHNICAL,
            reference="Synthetic note verbale 001",
        )
