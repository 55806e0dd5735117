"""Writes of notifications: notices to people, their e-mails, the daily digest, preferences.

Notices and their e-mails are consequences of a change another service made and audited; they
are not themselves changes of the mechanism, so writing one is not audited. A person's
choices (preferences, unsubscribing) are, like every other setting of their account.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotAllowed

from . import rendering, selectors, tokens
from .models import MANDATORY, OBJECT_TYPES, Notification, Preference

logger = logging.getLogger(__name__)
Delivery = Notification.Delivery


def notify(
    *, kind: str, recipients: Iterable[Any], about: Any, context: Mapping[str, Any], link: str
) -> list[Notification]:
    """Tell these people of an event, inside the caller's transaction.

    One inbox row per person (once, however often they are named); those who want this kind
    at once are e-mailed when the transaction commits, in their own language. `about` is the
    event's object (or its id); `context` holds the plain values the templates name (lazy
    labels are translated for each reader); `link` is the object's path on this site.
    """
    if kind not in Notification.Kind.values:
        raise InvalidInput({"kind": _("Unknown kind of notification.")})
    people: dict[int, Any] = {}
    for person in recipients:
        if person is not None and person.pk not in people:
            people[person.pk] = person
    if not people:
        return []
    params = rendering.freeze(dict(context))
    path = rendering.neutral_path(link)
    object_id = str(getattr(about, "pk", about))
    deliveries = selectors.deliveries_for(kind=kind, user_ids=list(people))
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                object_type=OBJECT_TYPES[kind],
                object_id=object_id,
                link=path,
                params=params,
                delivery=deliveries[pk],
            )
            for pk in people
        ]
    )
    at_once = [
        row.pk
        for row in rows
        if row.delivery == Delivery.AT_ONCE and getattr(people[row.recipient_id], "email", None)
    ]
    if at_once:
        # The e-mails go out from a worker, not the request that made the change; should the
        # queueing fail, the scheduler's pass sends them (`deliver_pending`).
        transaction.on_commit(partial(deliver_task.enqueue, at_once), robust=True)
    return rows


def _claim(rows: Any) -> list[Notification]:
    """Lock and mark as e-mailed the rows still to send, so no other run sends them too."""
    with transaction.atomic():
        claimed = list(
            rows.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(emailed_at__isnull=True, recipient__is_active=True)
            .exclude(recipient__email="")
            .order_by("recipient_id", "created_at", "pk")
        )
        if claimed:
            Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
                emailed_at=timezone.now()
            )
    return claimed


def _send(messages: list[EmailMultiAlternatives], claimed: list[Notification]) -> int:
    """Send the e-mails; if the mail server fails, the notices stay to be sent again."""
    if not messages:
        return 0
    try:
        with get_connection() as connection:
            return int(connection.send_messages(messages) or 0)
    except Exception:  # any failure of the mail server: release the claim, then report it
        Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(emailed_at=None)
        logger.exception("Sending %d notification e-mails failed", len(messages))
        raise


def _message(
    to: str, rendered: rendering.Rendered, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(rendered.subject, rendered.text, None, [to], headers=headers)
    message.attach_alternative(rendered.html, "text/html")
    return message


def deliver(*, notification_ids: list[int]) -> int:
    """E-mail the at-once notices among these that were not e-mailed yet; the number sent.

    Idempotent: a notice is e-mailed once, however often this runs. A person without an
    e-mail address keeps the notice in the inbox.
    """
    claimed = _claim(
        Notification.objects.filter(pk__in=notification_ids, delivery=Delivery.AT_ONCE)
    )
    cache: dict[tuple[str, str, str, str], rendering.Rendered] = {}
    messages = []
    for row in claimed:
        language = rendering.language_of(row.recipient)
        key = (row.kind, row.link, json.dumps(row.params, sort_keys=True), language)
        if key not in cache:
            cache[key] = rendering.render(
                kind=row.kind, params=row.params, link=row.link, language=language
            )
        messages.append(_message(row.recipient.email, cache[key]))
    return _send(messages, claimed)


@task()
def deliver_task(notification_ids: list[int]) -> int:
    """E-mail at-once notices, in a worker (django-tasks; run at once in tests)."""
    return deliver(notification_ids=notification_ids)


# A notice older than this is not e-mailed late: it stays in the inbox (its reader may have
# added an e-mail address long after it was made).
LATE_EMAIL_LIMIT = dt.timedelta(days=1)


def deliver_pending(*, before: dt.datetime) -> int:
    """E-mail the at-once notices made before `before` (and within a day of it) and still not
    sent: their e-mail job was lost (the queue was unreachable, or the mail server failed).
    Idempotent like `deliver`."""
    pending = Notification.objects.filter(
        delivery=Delivery.AT_ONCE,
        emailed_at__isnull=True,
        created_at__lt=before,
        created_at__gte=before - LATE_EMAIL_LIMIT,
        recipient__is_active=True,
    ).exclude(recipient__email="")
    return deliver(notification_ids=list(pending.values_list("pk", flat=True)))


def digest_send(*, day: dt.date) -> int:
    """Send each person one e-mail with their digest notices up to the end of `day` (UTC).

    Returns the number of digests sent. Running it twice sends nothing twice: each notice is
    marked when it is taken into a digest. Every digest carries, for each kind it holds, a
    link that stops the digest of that kind without signing in.
    """
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    claimed = _claim(Notification.objects.filter(delivery=Delivery.DIGEST, created_at__lt=end))
    per_person: dict[int, list[Notification]] = {}
    for row in claimed:
        per_person.setdefault(row.recipient_id, []).append(row)
    messages = []
    for rows in per_person.values():
        person = rows[0].recipient
        language = rendering.language_of(person)
        items = [
            {
                "title": rendering.title(
                    kind=row.kind, params=row.params, link=row.link, language=language
                ),
                "link": rendering.site_url(rendering.local_path(row.link, language)),
            }
            for row in rows
        ]
        kinds = sorted({row.kind for row in rows})
        unsubscribe = [
            {
                "label": Notification.Kind(kind).label,  # translated in the reader's language
                "url": _unsubscribe_url(person, [kind], language),
                "kind": kind,
            }
            for kind in kinds
        ]
        everything = _unsubscribe_url(person, kinds, language)
        rendered = rendering.render_digest(items=items, unsubscribe=unsubscribe, language=language)
        messages.append(
            _message(
                person.email,
                rendered,
                # RFC 8058: mail programs offer one-click unsubscribing with a POST to the link.
                headers={
                    "List-Unsubscribe": f"<{everything}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    _send(messages, claimed)
    return len(messages)


def _unsubscribe_url(person: Any, kinds: list[str], language: str) -> str:
    token = tokens.unsubscribe_token(user=person, kinds=kinds)
    path = rendering.neutral_path(reverse("notifications:unsubscribe", kwargs={"token": token}))
    return rendering.site_url(rendering.local_path(path, language))


def _stop_pending_digests(user: Any, kind: str) -> None:
    """Notices waiting for a digest the person no longer wants stay in the inbox only."""
    Notification.objects.filter(
        recipient=user, kind=kind, delivery=Delivery.DIGEST, emailed_at__isnull=True
    ).update(delivery=Delivery.OFF)


@transaction.atomic
def preferences_set(*, actor: Any, choices: Mapping[str, str]) -> dict[str, str]:
    """Set how the person receives each kind of notice; security and account notices stay on."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to choose your notifications."))
    errors: dict[str, list[str]] = {}
    for kind, delivery in choices.items():
        if kind not in Notification.Kind.values:
            errors[kind] = [_("Unknown kind of notification.")]
        elif delivery not in Delivery.values:
            errors[kind] = [_("Choose how to receive it.")]
        elif kind in MANDATORY and delivery != Delivery.AT_ONCE:
            errors[kind] = [_("Security and account notices cannot be turned off.")]
    if errors:
        raise InvalidInput(errors)
    for kind, delivery in choices.items():
        if kind in MANDATORY:
            continue
        Preference.objects.update_or_create(user=actor, kind=kind, defaults={"delivery": delivery})
        if delivery == Delivery.OFF:
            _stop_pending_digests(actor, kind)
    chosen = selectors.deliveries_of(user=actor)
    audit_append(
        actor=actor,
        action="notifications.preferences.set",
        object_type="user",
        object_id=str(actor.pk),
        state={"preferences": chosen},
    )
    return chosen


@transaction.atomic
def digest_unsubscribe(*, token: str) -> tuple[Any, list[str]]:
    """Stop the daily digest of the kinds the link names, for the person it names.

    The signed token is the credential: no session is needed. A kind the person has since
    set to at once or off is left as it is.
    """
    user, kinds = tokens.unsubscribe_read(token=token)
    stopped = []
    for kind in kinds:
        preference = Preference.objects.select_for_update().filter(user=user, kind=kind).first()
        if preference is None or preference.delivery != Delivery.DIGEST:
            continue
        preference.delivery = Delivery.OFF
        preference.save(update_fields=["delivery", "updated_at"])
        _stop_pending_digests(user, kind)
        stopped.append(kind)
    if stopped:
        audit_append(
            actor=user,
            action="notifications.digest.unsubscribe",
            object_type="user",
            object_id=str(user.pk),
            state={"kinds": stopped},
        )
    return user, kinds


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the person's own notices as read (a mark of their own, not audited)."""
    if notification.recipient_id != getattr(actor, "pk", None):
        raise NotAllowed(_("You are not allowed to do this."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notice of the person as read; the number marked."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("You are not allowed to do this."))
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
