"""Writes to accounts: nominations and their verification, API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotAllowed

from . import selectors, workflow
from .models import ApiToken, Role, User


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
        "domain": request.get_host() if request else "localhost",
        "protocol": "https" if request and request.is_secure() else "http",
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


@transaction.atomic
def api_token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new API token for the acting user; the clear token is returned once, never stored."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to create a token."))
    if not name.strip():
        raise InvalidInput({"name": _("Give the token a name.")})
    key = "ef_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        two_factor=permissions.is_two_factor_verified(actor),
    )
    audit_append(
        actor=actor,
        action="accounts.token.create",
        object_type="api_token",
        object_id=str(token.pk),
        state={"user": actor.pk, "name": token.name, "prefix": token.prefix},
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
    """Check a TOTP code against the user's confirmed devices, outside a web request.

    On success the user object counts as having passed two-factor authentication, exactly as
    django-otp's login marks a session's user (`otp_device`); `permissions` reads that. The
    demo builder and the command line use it to act as the Secretariat through the services.
    """
    device = match_token(user, token)
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
