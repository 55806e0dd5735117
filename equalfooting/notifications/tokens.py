"""The signed token of a digest's unsubscribe link: who, and which kinds of notice.

The token is the only credential the link needs, so it works without signing in; it is signed
with the installation's secret key and names the kinds it stops, so a link stops no other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound

from .models import MANDATORY, Notification

SALT = "equalfooting.notifications.unsubscribe"


def unsubscribe_token(*, user: Any, kinds: Iterable[str]) -> str:
    return signing.dumps({"u": user.pk, "k": sorted(set(kinds))}, salt=SALT, compress=True)


def unsubscribe_read(*, token: str) -> tuple[Any, list[str]]:
    """The person and the kinds a token stops; a forged or damaged token is not found."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise NotFound(_("This unsubscribe link is not valid.")) from exc
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    kinds = [
        kind
        for kind in data.get("k", [])
        if kind in Notification.Kind.values and kind not in MANDATORY
    ]
    if user is None or not kinds:
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, kinds
