"""Reads of accounts: roles, nominations and API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.core.errors import NotFound

from .models import ApiToken, Role


def roles_of_user(*, user: Any) -> QuerySet[Role]:
    """Every role the user holds or held, whatever its status."""
    return Role.objects.filter(user=user).select_related("state", "provider")


def roles_with_status(*, status: str) -> QuerySet[Role]:
    """The roles in one status, with who holds them and for whom: the Secretariat's lists."""
    return Role.objects.filter(status=status).select_related("user", "state", "provider")


def role_from_id(*, pk: int, **_ignored: object) -> Role:
    role = Role.objects.filter(pk=pk).first()
    if role is None:
        raise NotFound(_("No such role."))
    return role


def api_tokens_active(*, user: Any) -> QuerySet[ApiToken]:
    """The user's tokens that still open the API."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_active(*, user: Any, pk: int) -> ApiToken:
    """One of the user's own tokens that is not revoked; another's token is not found."""
    token = api_tokens_active(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound(_("No such token."))
    return token


def totp_device_unconfirmed(*, user: Any) -> TOTPDevice | None:
    """The authenticator the user began to enrol and has not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()
