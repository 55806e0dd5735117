"""Writes to the Points of Contact directory and its contact checks."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed

from .models import CheckRound, ContactCheck, PointOfContact

FIELDS = ("kind", "name", "position", "organisation", "email", "phone")


def _contact_state(c: PointOfContact) -> dict[str, Any]:
    # The audit chain is public in its hashes only; the digest covers the contact's details.
    return {
        "state": c.state.iso3,
        "kind": c.kind,
        "name": c.name,
        "position": c.position,
        "organisation": c.organisation,
        "email": c.email,
        "phone": c.phone,
        "status": c.status,
    }


def _clean_contact(fields: dict[str, Any]) -> dict[str, str]:
    """The contact's fields, stripped; every wrong one is named in one `InvalidInput`."""
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InvalidInput({name: _("Unknown field.") for name in sorted(unknown)})
    data = {name: str(fields.get(name) or "").strip() for name in FIELDS}
    if data["kind"] not in PointOfContact.Kind.values:
        errors["kind"] = [_("Choose diplomatic or technical.")]
    if not data["name"]:
        errors["name"] = [_("Give the contact's name.")]
    try:
        validate_email(data["email"])
    except ValidationError:  # Django's e-mail check, turned into this field's message
        errors["email"] = [_("Enter a valid e-mail address.")]
    for name, limit in (("name", 200), ("position", 200), ("organisation", 200), ("phone", 50)):
        if len(data[name]) > limit:
            errors.setdefault(name, []).append(_("Too long."))
    if errors:
        raise InvalidInput(errors)
    return data


@transaction.atomic
def contact_nominate(*, actor: Any, state: Any, **fields: Any) -> PointOfContact:
    permissions.require(actor, "contact.nominate", state)
    data = _clean_contact(fields)
    contact = PointOfContact.objects.create(state=state, nominated_by=actor, **data)
    audit_append(
        actor=actor,
        action="contacts.contact.nominate",
        object_type="contact",
        object_id=str(contact.pk),
        state=_contact_state(contact),
    )
    return contact


@transaction.atomic
def contact_verify(*, actor: Any, contact: PointOfContact) -> PointOfContact:
    permissions.require(actor, "contact.verify")
    contact = PointOfContact.objects.select_for_update().get(pk=contact.pk)
    if contact.status != PointOfContact.Status.NOMINATED:
        raise TransitionNotAllowed(_("Only a nominated contact can be verified."))
    contact.status = PointOfContact.Status.VERIFIED
    contact.verified_at = timezone.now()
    contact.save()
    audit_append(
        actor=actor,
        action="contacts.contact.verify",
        object_type="contact",
        object_id=str(contact.pk),
        state=_contact_state(contact),
    )
    return contact


@transaction.atomic
def check_round_launch(*, actor: Any, note: str = "", base_url: str = "") -> CheckRound:
    """Ask every verified contact to acknowledge a one-time link. E-mails leave on commit.

    The links are built from the installation's address (EF_BASE_URL) unless `base_url` is given.
    """
    permissions.require(actor, "contact.check.launch")
    contacts = list(
        PointOfContact.objects.filter(status=PointOfContact.Status.VERIFIED).select_related("state")
    )
    if not contacts:
        raise InvalidInput({"contacts": _("There is no verified contact to check.")})
    check_round = CheckRound.objects.create(launched_by=actor, note=note.strip()[:300])
    now = timezone.now()
    outgoing = []
    for contact in contacts:
        token = secrets.token_urlsafe(32)
        ContactCheck.objects.create(
            round=check_round,
            contact=contact,
            token_hash=ContactCheck.hash_token(token),
            sent_at=now,
        )
        outgoing.append((contact, token))
    audit_append(
        actor=actor,
        action="contacts.check.launch",
        object_type="check_round",
        object_id=str(check_round.pk),
        state={
            "round": check_round.pk,
            "contacts": [c.pk for c, _t in outgoing],
            "note": check_round.note,
        },
    )
    language = translation.get_language() or settings.LANGUAGE_CODE

    def send() -> None:
        with translation.override(language):
            for contact, token in outgoing:
                link = (base_url or settings.EF_BASE_URL).rstrip("/") + reverse(
                    "contact_check_acknowledge", kwargs={"token": token}
                )
                body = render_to_string(
                    "contacts/check_email.txt", {"contact": contact, "link": link}
                )
                send_mail(
                    _("Equal Footing: please confirm that this contact is current"),
                    body,
                    None,
                    [contact.email],
                )

    transaction.on_commit(send)
    return check_round


@transaction.atomic
def contact_check_acknowledge(*, token: str) -> tuple[ContactCheck | None, bool]:
    """Record the answer to a check. Returns (check, newly acknowledged); the link works once."""
    check = (
        ContactCheck.objects.select_for_update()
        .select_related("contact__state")
        .filter(token_hash=ContactCheck.hash_token(token))
        .first()
    )
    if check is None:
        return None, False
    if check.acknowledged_at is not None:
        return check, False
    check.acknowledged_at = timezone.now()
    check.save(update_fields=["acknowledged_at"])
    audit_append(
        actor=f"contact:{check.contact_id}",
        action="contacts.check.acknowledge",
        object_type="contact_check",
        object_id=str(check.pk),
        state={
            "round": check.round_id,
            "contact": check.contact_id,
            "acknowledged_at": check.acknowledged_at.isoformat(),
        },
    )
    return check, True
