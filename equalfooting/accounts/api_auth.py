"""API authentication: bearer tokens, or the browser session (with its CSRF check).

Write routes take `write_auth`: a token of the write scope, or the session. Every other route
takes `read_auth`: anyone may call it, but a token sent to it is never ignored — a valid one
reads as its owner, and an expired, revoked, ended or unknown one is refused with 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from equalfooting.accounts.credentials import credentials_digest
from equalfooting.accounts.models import ApiToken
from equalfooting.core.errors import NotAllowed

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _token_user(request: HttpRequest, token: str) -> Any:
    """The token's owner, acting through it, or None when the token opens nothing."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=ApiToken.hash_key(token),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if row is None or row.credentials != credentials_digest(row.user):
        return None
    if request.method not in SAFE_METHODS and row.scope != ApiToken.Scope.WRITE:
        raise NotAllowed(_("This token may only read. Make a token that may also write."))
    user = row.user
    # A token stands for a session that passed 2FA only if it was made in one.
    user.is_verified = lambda: row.two_factor  # type: ignore[attr-defined]
    request.user = user
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _token_user(request, token)


class ReaderAuth(HttpBearer):
    """Open to all; a bearer token, when one is sent, must open the API, and then acts."""

    def __call__(self, request: HttpRequest) -> Any:
        if self.header not in request.headers:
            return True  # the session's user, or anyone: the route decides what they see
        return super().__call__(request)  # a malformed or closed token: None, so 401

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _token_user(request, token)


write_auth = [TokenAuth(), SessionAuth()]
read_auth = ReaderAuth()
