"""Writes to the Points of Contact directory and its contact checks."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from equalfooting import permissions
from equalfooting.accounts.selectors import focal_points_of
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, TransitionNotAllowed
from equalfooting.deadlines import kinds
from equalfooting.deadlines.services import deadline_close, deadline_open
from equalfooting.jobs.models import Job
from equalfooting.jobs.services import handler as job_handler
from equalfooting.jobs.services import handler_path, job_enqueue, job_writes
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from .models import CheckRound, ContactCheck, PointOfContact
from .selectors import CHECK_KIND, CHECK_OBJECT

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
def check_round_launch(*, actor: Any, note: str = "", base_url: str = "") -> Job:
    """Record a check round and queue the job that writes its checks and e-mails the links.

    Nothing is sent from the request: the worker runs `check_round_send`. The links are built
    from the installation's address (EF_BASE_URL) unless `base_url` is given, and the e-mails
    are written in the launcher's language. Returns the job; `job.arguments["check_round"]` is
    the round's id.
    """
    permissions.require(actor, "contact.check.launch")
    if not PointOfContact.objects.filter(status=PointOfContact.Status.VERIFIED).exists():
        raise InvalidInput({"contacts": _("There is no verified contact to check.")})
    check_round = CheckRound.objects.create(
        launched_by=permissions.person(actor), note=note.strip()[:300]
    )
    audit_append(
        actor=actor,
        action="contacts.check.launch",
        object_type="check_round",
        object_id=str(check_round.pk),
        state={"round": check_round.pk, "note": check_round.note},
    )
    return job_enqueue(
        actor=actor,
        work=check_round_send,
        arguments={
            "check_round": check_round.pk,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "base_url": base_url,
        },
    )


@job_handler(gettext_noop("Sending a contact check round"))
def check_round_send(
    *, actor: Any, job: Job, check_round: int, language: str = "", base_url: str = ""
) -> None:
    """The round's job, run by a worker (`system:worker`): write the checks, send each once.

    1. The checks are written in one transaction, one per contact verified now, unless an
       earlier try wrote them: a retry keeps them, so no contact is left without a check.
    2. Each check not yet sent is sent in turn: one transaction locks it, gives it a fresh
       token (only its hash is kept), marks it sent and opens its deadline; the e-mail leaves
       after that commits. A later try skips every check marked sent, so no contact gets two
       e-mails. Should the mail server refuse, the mark is undone (the deadline cancelled) and
       the job fails this try; the next try sends that check with a new token. A worker killed
       between the commit and the e-mail leaves a check whose link may never have left: its
       deadline lapses and the State's focal points are told to check the entry.
    3. The round's audit entry, the focal points' notices (one per State) and the job's
       outcome are written once, in `job_writes`.
    """
    permissions.require(actor, "contact.check.send")
    round_ = CheckRound.objects.get(pk=check_round)  # deleted meanwhile: the job is refused
    _checks_write(actor=actor, check_round=round_)
    unsent = list(
        ContactCheck.objects.filter(round=round_, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if unsent:
        with translation.override(language or settings.LANGUAGE_CODE), get_connection() as mailer:
            for check_id in unsent:
                _check_send(actor=actor, check_id=check_id, base_url=base_url, mailer=mailer)
    with job_writes(job) as current:
        sent = list(
            ContactCheck.objects.filter(round=round_, sent_at__isnull=False)
            .values_list("contact__state_id", "sent_at")
            .order_by("contact__state_id")
        )
        by_state: dict[int, list[Any]] = {}
        for state_id, sent_at in sent:
            by_state.setdefault(state_id, []).append(sent_at)
        for state_id, times in by_state.items():
            notify(
                kind=Notification.Kind.CONTACT_CHECK_WAITING,
                recipients=focal_points_of(state=state_id),
                about=round_,
                context={
                    "contacts": len(times),
                    "due": (max(times) + kinds.length(CHECK_KIND)).date().isoformat(),
                },
                link=reverse("contacts:directory"),
            )
        audit_append(
            actor=actor,
            action="contacts.check.sent",
            object_type="check_round",
            object_id=str(round_.pk),
            state={
                "round": round_.pk,
                "sent": len(sent),
                "states": sorted(by_state),
                "launched_by": current.requested_by_label,
                "job": str(current.pk),
            },
        )
        current.outcome = {
            "type": "check_round",
            "id": round_.pk,
            "view": "contacts:checks",
            "kwargs": {},
        }


CHECK_ROUND_SEND = handler_path(check_round_send)


def _unusable_token_hash() -> str:
    """The hash of a token nobody holds: a check not (or no longer) sent has no working link."""
    return ContactCheck.hash_token(secrets.token_urlsafe(32))


def _checks_write(*, actor: Any, check_round: CheckRound) -> None:
    """Write the round's checks, one per verified contact, unless an earlier try wrote them."""
    with transaction.atomic():
        locked = CheckRound.objects.select_for_update().get(pk=check_round.pk)
        if ContactCheck.objects.filter(round=locked).exists():
            return
        contacts = list(
            PointOfContact.objects.filter(status=PointOfContact.Status.VERIFIED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not contacts:
            raise InvalidInput({"contacts": _("There is no verified contact to check.")})
        ContactCheck.objects.bulk_create(
            [
                ContactCheck(
                    round=locked, contact_id=pk, token_hash=_unusable_token_hash(), sent_at=None
                )
                for pk in contacts
            ]
        )
        audit_append(
            actor=actor,
            action="contacts.check.write",
            object_type="check_round",
            object_id=str(locked.pk),
            state={"round": locked.pk, "contacts": contacts},
        )


def _check_send(*, actor: Any, check_id: int, base_url: str, mailer: Any) -> bool:
    """Send one check, unless another try did: mark it sent, then e-mail its link."""
    with transaction.atomic():
        check = (
            ContactCheck.objects.select_for_update(of=("self",))
            .select_related("contact__state")
            .filter(pk=check_id, sent_at__isnull=True)
            .first()
        )
        if check is None or check.contact.status != PointOfContact.Status.VERIFIED:
            return False  # sent by another try, or the contact is no longer in the directory
        token = secrets.token_urlsafe(32)
        check.token_hash, check.sent_at = ContactCheck.hash_token(token), timezone.now()
        check.save(update_fields=["token_hash", "sent_at"])
        deadline = deadline_open(
            actor=actor,
            kind=CHECK_KIND,
            object_type=CHECK_OBJECT,
            about=check,
            start=check.sent_at,
        )
        audit_append(
            actor=actor,
            action="contacts.check.send",
            object_type=CHECK_OBJECT,
            object_id=str(check.pk),
            state={
                "round": check.round_id,
                "contact": check.contact_id,
                "sent_at": check.sent_at.isoformat(),
                "due_at": deadline.due_at.isoformat(),
            },
        )
    # Marked sent and committed: from here no try sends this check again.
    link = (base_url or settings.EF_BASE_URL).rstrip("/") + reverse(
        "contact_check_acknowledge", kwargs={"token": token}
    )
    body = render_to_string(
        "contacts/check_email.txt",
        {"contact": check.contact, "link": link, "due": deadline.due_at.strftime("%Y-%m-%d %H:%M")},
    )
    message = EmailMessage(
        _("Equal Footing: please confirm that this contact is current"),
        body,
        None,
        [check.contact.email],
        connection=mailer,
    )
    try:
        message.send()
    except Exception:  # the mail server refused: undo the mark, so the next try sends it
        _check_unsend(actor=actor, check=check)
        raise
    return True


def _check_unsend(*, actor: Any, check: ContactCheck) -> None:
    """The e-mail did not leave: the check is not sent, its token void, its deadline cancelled."""
    with transaction.atomic():
        ContactCheck.objects.select_for_update().filter(pk=check.pk).update(
            sent_at=None, token_hash=_unusable_token_hash()
        )
        deadline_close(
            actor=actor, kind=CHECK_KIND, object_type=CHECK_OBJECT, about=check, met=False
        )
        audit_append(
            actor=actor,
            action="contacts.check.unsend",
            object_type=CHECK_OBJECT,
            object_id=str(check.pk),
            state={"round": check.round_id, "contact": check.contact_id, "sent_at": None},
        )


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
    # The check is locked first, then its deadline (the order the lapse handler keeps too).
    deadline_close(
        actor=f"contact:{check.contact_id}",
        kind=CHECK_KIND,
        object_type=CHECK_OBJECT,
        about=check,
    )
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
