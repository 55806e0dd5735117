"""The account the demo acts as whenever the scenario needs the Secretariat.

It is not the printed `demo-secretariat` login: that one enrols TOTP at its first sign-in, as a
real officer does, so it must not have a device yet. The builder is a separate synthetic
Secretariat account with no password (nobody signs in as it) and a confirmed TOTP device; it
passes two-factor authentication with a real code, so the services' 2FA rule holds for the demo
exactly as for a person.
"""

from __future__ import annotations

from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.accounts.models import Role, User
from equalfooting.accounts.services import role_grant_system, two_factor_pass
from equalfooting.demo.people import ACTOR

USERNAME = "demo-builder"


def _next_code(device: TOTPDevice) -> str:
    """The device's code for now, or for the next time step if this one's was used already.

    A TOTP device accepts each time step once; a demo run twice within one step uses the next
    step's code, which the device's tolerance of one step accepts, as it would a phone's clock
    running a little fast.
    """
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def builder() -> User:
    """The demo's Secretariat officer, having passed 2FA in this run."""
    user, created = User.objects.get_or_create(
        username=USERNAME, defaults={"email": f"{USERNAME}@demo.invalid", "is_synthetic": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    role_grant_system(actor=ACTOR, user=user, kind=Role.Kind.SECRETARIAT)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo builder", confirmed=True)
    return two_factor_pass(user=user, token=_next_code(device))
