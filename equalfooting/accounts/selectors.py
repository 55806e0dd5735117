"""Reads of accounts: roles, nominations, API tokens and second factors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.core.errors import NotFound

from .credentials import credentials_digest
from .models import ApiToken, Role, User


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
    """The user's tokens that are not revoked (some may have expired or ended)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_standing(token: ApiToken, credentials: str) -> str:
    if token.revoked_at is not None:
        return ApiToken.Standing.REVOKED
    if token.expires_at <= timezone.now():
        return ApiToken.Standing.EXPIRED
    if token.credentials != credentials:
        return ApiToken.Standing.SUPERSEDED
    return ApiToken.Standing.ACTIVE


def api_tokens_listed(*, user: Any) -> list[tuple[ApiToken, str]]:
    """The user's tokens not revoked, newest first, each with whether it still opens the API
    (`ApiToken.Standing`) — shown with its scope, expiry and last use."""
    credentials = credentials_digest(user)
    return [
        (token, api_token_standing(token, credentials))
        for token in api_tokens_active(user=user).order_by("-created_at")
    ]


def api_token_active(*, user: Any, pk: int) -> ApiToken:
    """One of the user's own tokens that is not revoked; another's token is not found."""
    token = api_tokens_active(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound(_("No such token."))
    return token


def totp_device_unconfirmed(*, user: Any) -> TOTPDevice | None:
    """The authenticator the user began to enrol and has not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def user_from_id(*, pk: int, **_ignored: object) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotFound(_("No such person."))
    return user


def recovery_codes_left(*, user: Any) -> int:
    """How many of the user's recovery codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def users_with_second_factor(*, user_ids: Iterable[int]) -> set[int]:
    """Of these people, those who have an authenticator or recovery codes (set up or begun)."""
    ids = set(user_ids)
    found = set(TOTPDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    found |= set(StaticDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    return found


# Who is told of an event: the people who hold a verified role for the object's owner.


def _role_holders(kind: str, **binding: Any) -> QuerySet[User]:
    """People with an active account holding a verified role of this kind for the object."""
    return User.objects.filter(
        is_active=True,
        roles__kind=kind,
        roles__status=Role.Status.VERIFIED,
        **{f"roles__{field}": value for field, value in binding.items()},
    ).distinct()


def focal_points_of(*, state: Any) -> QuerySet[User]:
    """The State's verified focal points (diplomatic and technical) with an active account."""
    return _role_holders(Role.Kind.FOCAL_POINT, state=state)


def representatives_of(*, provider: Any) -> QuerySet[User]:
    """The provider's verified representatives with an active account."""
    return _role_holders(Role.Kind.PROVIDER, provider=provider)


def secretariat_staff() -> QuerySet[User]:
    """The verified Secretariat staff: they hear of what is overdue."""
    return _role_holders(Role.Kind.SECRETARIAT)
