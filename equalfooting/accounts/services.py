"""Writes to accounts: nominations and their verification, API tokens, the second factor."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotAllowed, TwoFactorRequired
from equalfooting.core.numbers import number
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from . import selectors, workflow
from .credentials import credentials_digest
from .models import ApiToken, Role, User

# How long a token lives, at most and by default (docs/operations.md, *API tokens*).
TOKEN_DAYS, TOKEN_DAYS_PRIVILEGED = 90, 30


def _role_state(role: Role) -> dict[str, Any]:
    return {
        "user": role.user_id,
        "kind": role.kind,
        "state": role.state.iso3 if role.state else None,
        "provider": role.provider_id,
        "focal_kind": role.focal_kind,
        "status": role.status,
        "reference": role.reference,
        "reason": role.reason,
    }


def _user_for(email: str, *, username: str | None = None) -> tuple[User, bool]:
    """The account with this e-mail address, or a new one without a usable password."""
    email = User.objects.normalize_email(email).strip()
    if not email:
        raise InvalidInput({"email": _("An e-mail address is required.")})
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    user = User(username=username or email.lower(), email=email)
    user.set_unusable_password()
    user.save()
    return user, True


@transaction.atomic
def role_nominate(
    *,
    actor: Any,
    email: str,
    kind: str,
    state: Any = None,
    provider: Any = None,
    focal_kind: str = "",
    reference: str = "",
    request: Any = None,
) -> Role:
    """Record a nomination. It grants nothing until the Secretariat verifies it.

    A new nominee gets an account without a password and an e-mail to set one.
    """
    if kind == Role.Kind.FOCAL_POINT:
        permissions.require(actor, "role.nominate.focal_point", state)
        if focal_kind not in Role.FocalKind.values:
            raise InvalidInput(
                {"focal_kind": _("Choose whether the focal point is diplomatic or technical.")}
            )
    else:
        permissions.require(actor, "role.nominate.other")
    user, created = _user_for(email)
    if Role.objects.filter(
        user=user,
        kind=kind,
        state=state,
        provider=provider,
        status__in=[Role.Status.NOMINATED, Role.Status.VERIFIED],
    ).exists():
        raise InvalidInput({"email": _("This person already holds or awaits this role.")})
    role = Role.objects.create(
        user=user,
        kind=kind,
        state=state,
        provider=provider,
        focal_kind=focal_kind,
        reference=reference,
        nominated_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_append(
        actor=actor,
        action="accounts.role.nominate",
        object_type="role",
        object_id=str(role.pk),
        state=_role_state(role),
    )
    if created:
        transaction.on_commit(lambda: _send_welcome(user, request))
    return role


def _send_welcome(user: User, request: Any) -> None:
    """Send a new nominee the link to set a first password (a password-reset token)."""
    context = {
        "email": user.email,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "user": user,
    }
    PasswordResetForm().send_mail(
        "accounts/welcome_subject.txt",
        "accounts/welcome_email.txt",
        context,
        from_email=None,
        to_email=user.email,
    )


@transaction.atomic
def role_decide(*, actor: Any, role: Role, status: str, reason: str = "") -> Role:
    """Verify, reject or revoke a role, as the transition table allows."""
    permissions.require(actor, "role.decide")
    role = Role.objects.select_for_update(of=("self",)).select_related("state").get(pk=role.pk)
    workflow.check_transition(role.status, status, reason)
    role.status, role.reason = status, reason
    role.decided_by = actor if getattr(actor, "pk", None) else None
    role.decided_at = timezone.now()
    role.save()
    audit_append(
        actor=actor,
        action=f"accounts.role.{status}",
        object_type="role",
        object_id=str(role.pk),
        state=_role_state(role),
    )
    notify(
        kind=workflow.NOTICES[status],
        recipients=[role.user],
        about=role,
        context={"role": Role.Kind(role.kind).label},
        link=reverse("accounts:home"),
    )
    permissions.forget_roles(role.user)
    return role


@transaction.atomic
def role_grant_system(*, actor: str, user: User, kind: str, **binding: Any) -> Role:
    """A verified role created by an operator's command (the first Secretariat, the demo)."""
    role, created = Role.objects.get_or_create(
        user=user,
        kind=kind,
        status=Role.Status.VERIFIED,
        defaults={"decided_at": timezone.now(), **binding},
        **binding,
    )
    if created:
        audit_append(
            actor=actor,
            action="accounts.role.grant",
            object_type="role",
            object_id=str(role.pk),
            state=_role_state(role),
        )
    return role


def token_lifetime_days(user: Any) -> int:
    """How long a token of this person may live: shorter for the privileged roles."""
    privileged = any(permissions.has_role(user, kind) for kind in permissions.PRIVILEGED)
    return TOKEN_DAYS_PRIVILEGED if privileged else TOKEN_DAYS


@transaction.atomic
def api_token_create(
    *, actor: Any, name: str, scope: str = ApiToken.Scope.READ, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new API token for the acting user; the clear token is returned once, never stored.

    It reads only unless `scope` is write, and lives `days` (at most, and by default, 90 days;
    30 for the Secretariat and reviewers).
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to create a token."))
    longest = token_lifetime_days(actor)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the token a name.")]
    if scope not in ApiToken.Scope.values:
        errors["scope"] = [_("Choose whether the token may only read, or also write.")]
    days = longest if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        errors["days"] = [_("A token lives from 1 to %(days)s days.") % {"days": number(longest)}]
    if errors:
        raise InvalidInput(errors)
    key = "ef_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        scope=scope,
        two_factor=permissions.is_two_factor_verified(actor),
        credentials=credentials_digest(actor),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_append(
        actor=actor,
        action="accounts.token.create",
        object_type="api_token",
        object_id=str(token.pk),
        state={
            "user": actor.pk,
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise NotAllowed(_("This is not your token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_append(
        actor=actor,
        action="accounts.token.revoke",
        object_type="api_token",
        object_id=str(token.pk),
        # A key of the audit record (the token is revoked), not a role's status.
        state=dict(user=actor.pk, revoked=True),
    )


def two_factor_pass(*, user: User, token: str) -> User:
    """Check a code (TOTP or recovery) against the user's devices, outside a web request.

    On success the user object counts as having passed two-factor authentication, exactly as
    django-otp's login marks a session's user (`otp_device`); `permissions` reads that. The
    demo builder and the command line use it to act as the Secretariat through the services.
    """
    device = two_factor_check(user=user, token=token)
    if device is None:
        raise NotAllowed(_("The two-factor authentication code is not valid."))
    user.otp_device = device  # type: ignore[attr-defined]
    return user


def totp_device_prepare(*, actor: Any) -> TOTPDevice:
    """The authenticator the user is enrolling: the unconfirmed one, made on first need."""
    device = selectors.totp_device_unconfirmed(user=actor)
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, actor: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm the user's new authenticator with one code from it; False if the code is wrong."""
    if device.user_id != actor.pk:
        raise NotAllowed(_("You are not allowed to do this."))
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save()
    return True


# Recovery codes: django-otp's static tokens. The library keeps a token as it is given
# (`StaticToken.token`, 16 characters, compared for equality), so what is stored here is a
# digest of each code, salted with its device; the codes themselves are shown once and kept
# nowhere. Each code carries 80 random bits, as does its stored digest.
RECOVERY_CODE_COUNT = 10


def _code_normalise(code: str) -> str:
    """A code as typed, without spaces or hyphens, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def _recovery_code_digest(device: StaticDevice, code: str) -> str:
    digest = hashlib.sha256(f"{device.pk}:{_code_normalise(code)}".encode()).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def _recovery_code_new() -> str:
    """Sixteen base-32 characters (80 bits), shown in groups of four: `abcd-efgh-ijkl-mnop`."""
    code = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def recovery_codes_create(*, actor: Any) -> list[str]:
    """Ten new recovery codes for the acting user, who has passed 2FA; any earlier set is void.

    The codes are returned once, in clear, and only their digests are stored. The user's
    recovery-code device is kept (only its codes change), so a session that passed 2FA with
    one of the old codes stays verified.
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("You are not allowed to do this."))
    if not permissions.is_two_factor_verified(actor):
        raise TwoFactorRequired(_("This action needs two-factor authentication."))
    devices = list(StaticDevice.objects.select_for_update().filter(user=actor).order_by("pk"))
    voided = StaticToken.objects.filter(device__user=actor).count()
    if devices:
        device, extra = devices[0], devices[1:]
        StaticDevice.objects.filter(pk__in=[d.pk for d in extra]).delete()
    else:
        device = StaticDevice.objects.create(user=actor, name="recovery codes", confirmed=True)
    device.token_set.all().delete()
    codes = [_recovery_code_new() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_code_digest(device, code)) for code in codes
    )
    audit_append(
        actor=actor,
        action="accounts.two_factor.recovery_codes_create",
        object_type="user",
        object_id=str(actor.pk),
        # How many, never the codes nor their digests.
        state={"user": actor.pk, "codes": len(codes), "voided": voided},
    )
    return codes


@transaction.atomic
def _recovery_code_use(*, user: Any, code: str) -> StaticDevice | None:
    """Spend one recovery code: it is deleted as it is accepted, so it works once only.

    The device row is locked and the code deleted by its digest, so two requests presenting
    the same code at once cannot both succeed. django-otp's throttling applies: each wrong
    code doubles the wait before the next try.
    """
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return None
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        return None
    used, _deleted = device.token_set.filter(token=_recovery_code_digest(device, code)).delete()
    if not used:
        device.throttle_increment()
        return None
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    audit_append(
        actor=user,
        action="accounts.two_factor.recovery_code_use",
        object_type="user",
        object_id=str(user.pk),
        state={"user": user.pk, "codes_left": device.token_set.count()},
    )
    return device


def two_factor_check(*, user: Any, token: str) -> Device | None:
    """The device that accepts this code, or None: a code of digits is tried on the
    authenticators, anything else as a recovery code (spent if it is accepted).

    Keeping the two apart means a mistyped code counts against one device's throttle only.
    """
    code = _code_normalise(token)
    if not code:
        return None
    if code.isdigit() and len(code) <= 8:
        for device in devices_for_user(user, confirmed=True):
            if not isinstance(device, StaticDevice) and device.verify_token(code):
                return device
        return None
    return _recovery_code_use(user=user, code=code)


@transaction.atomic
def two_factor_reset(*, actor: Any, user: User, reason: str) -> None:
    """Delete another person's authenticators and recovery codes, for a lost device.

    They set up an authenticator again at their next sign-in; a session of theirs that had
    passed 2FA loses it at once, since its device no longer exists.
    """
    permissions.require(actor, "two_factor.reset", user)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": _("Give the reason for the reset.")})
    codes = StaticToken.objects.filter(device__user=user).count()
    authenticators, _deleted = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # API tokens made under the lost second factor act for privileged roles: they end with it.
    tokens = ApiToken.objects.filter(user=user, two_factor=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_append(
        actor=actor,
        action="accounts.two_factor.reset",
        object_type="user",
        object_id=str(user.pk),
        state={
            "user": user.pk,
            "reason": reason,
            "authenticators": authenticators,
            "codes": codes,
            "tokens_revoked": tokens,
        },
    )
    # A security notice: the person learns of it even if someone else asked for the reset.
    notify(
        kind=Notification.Kind.TWO_FACTOR_RESET,
        recipients=[user],
        about=user,
        context={"tokens": tokens},
        link=reverse("accounts:home"),
    )


@transaction.atomic
def user_language_set(*, actor: Any, language: str) -> User:
    """The language of the person's own e-mails and notifications: one of the six."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to choose your language."))
    if language not in settings.LANGUAGE_CODES:
        raise InvalidInput({"language": _("Choose one of the six languages.")})
    actor.language = language
    actor.save(update_fields=["language"])
    audit_append(
        actor=actor,
        action="accounts.user.language",
        object_type="user",
        object_id=str(actor.pk),
        state={"user": actor.pk, "language": language},
    )
    return actor
