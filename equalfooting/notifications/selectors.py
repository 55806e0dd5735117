"""Reads of notifications: a person's inbox, its unread count, their e-mail preferences."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotFound

from .models import MANDATORY, Notification, Preference


def notifications_of(*, user: Any) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user: Any) -> int:
    """How many of the person's notifications are unread: one indexed count."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_of(*, user: Any, pk: int) -> Notification:
    """One of the person's own notifications; another's is not found."""
    found = Notification.objects.filter(recipient=user, pk=pk).first()
    if found is None:
        raise NotFound(_("No such notification."))
    return found


def deliveries_of(*, user: Any) -> dict[str, str]:
    """How the person receives each kind of notice by e-mail (at once unless they chose)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind: Notification.Delivery.AT_ONCE
        if kind in MANDATORY
        else chosen.get(kind, Notification.Delivery.AT_ONCE)
        for kind in Notification.Kind.values
    }


def deliveries_for(*, kind: str, user_ids: list[int]) -> dict[int, str]:
    """For one kind of notice, how each of these people receives it: one query."""
    if kind in MANDATORY:
        return dict.fromkeys(user_ids, Notification.Delivery.AT_ONCE)
    chosen = dict(
        Preference.objects.filter(kind=kind, user_id__in=user_ids).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, Notification.Delivery.AT_ONCE) for pk in user_ids}
