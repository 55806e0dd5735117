"""A digest of what a person proves themselves with: their password and their second factors.

A token records the digest of its owner's credentials when it is made, and opens the API only
while they are unchanged. So a new password (reset, changed, or set by the Secretariat) and a
second factor enrolled, reset or removed end every token at once, by every door, with no step
anyone could forget (issue 11: a token made after two-factor authentication used to act as the
Secretariat for ever, and survived a password change).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def credentials_digest(user: Any) -> str:
    """Keyed with the installation's secret key, so the digest reveals nothing of them."""
    totp = sorted(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", "key"))
    # Recovery-code sets by device, not by code: using a code must not end the tokens.
    static = sorted(StaticDevice.objects.filter(user=user).values_list("pk", flat=True))
    material = json.dumps([user.password, totp, static], separators=(",", ":"))
    return hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()
