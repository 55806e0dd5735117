"""API authentication: bearer tokens, or the browser session (with its CSRF check)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from equalfooting.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True
            )
            .first()
        )
        if row is None:
            return None
        user = row.user
        # A token stands for a session that passed 2FA only if it was made in one.
        user.is_verified = lambda: row.two_factor  # type: ignore[attr-defined]
        request.user = user
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return user


write_auth = [TokenAuth(), SessionAuth()]
