"""Rate limits on password-reset e-mails, per address and per account.

Without them anyone could make the installation send a person reset e-mails without end, or
try addresses at speed. An account is counted by the e-mail typed, whether or not an account
has it, so a refusal says nothing about who has an account here.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ResetAttempt

# (requests, within): at most this many reset e-mails per address, and per account.
PER_ADDRESS = (10, timedelta(hours=1))
PER_ACCOUNT = (3, timedelta(hours=1))
KEPT = timedelta(days=1)


def _key(kind: str, value: str) -> str:
    # Keyed, so a stored digest cannot be matched to an address or an e-mail by guessing.
    message = f"{kind}:{value.strip().lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def password_reset_permit(*, address: str | None, email: str) -> bool:
    """Record one request and say whether it is within both limits; a refused one is not
    recorded, so waiting always ends the refusal."""
    now = timezone.now()
    ResetAttempt.objects.filter(at__lt=now - KEPT).delete()
    keys = [
        (_key("address", address or "unknown"), PER_ADDRESS),
        (_key("account", email), PER_ACCOUNT),
    ]
    for key, (most, within) in keys:
        if ResetAttempt.objects.filter(key=key, at__gte=now - within).count() >= most:
            return False
    ResetAttempt.objects.bulk_create([ResetAttempt(key=key) for key, _limit in keys])
    return True
