"""What an offer's availability deadline means: a reminder before it ends, and its end.

An offer with a last day of availability ends at the close of that day (UTC): the scheduler
closes it, so it is no longer matched, and tells the provider's representatives, who are
reminded beforehand (by default 7 and 2 days before). Registered from `OffersConfig.ready`.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equalfooting import permissions
from equalfooting.accounts.selectors import representatives_of
from equalfooting.deadlines import kinds
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadline_cancel
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from .models import Offer
from .services import offer_expire

SCHEDULER = permissions.SYSTEM_SCHEDULER


def _link(offer: Offer) -> str:
    return reverse("offers:offer_detail", kwargs={"offer_id": offer.pk})


def remind(deadline: Deadline, days_left: int) -> None:
    offer = Offer.objects.filter(pk=int(deadline.object_id)).first()
    if offer is None:
        return
    notify(
        kind=Notification.Kind.DEADLINE_REMINDER,
        recipients=representatives_of(provider=offer.provider_id),
        about=deadline,
        context={
            "what": Deadline.Kind(deadline.kind).label,
            "reference": offer.reference,
            "due": deadline.due_at.strftime("%Y-%m-%d %H:%M"),
            "days": days_left,
        },
        link=_link(offer),
    )


def lapse(deadline: Deadline, now: dt.datetime) -> None:
    offer = Offer.objects.filter(pk=int(deadline.object_id)).first()
    if offer is None:  # gone: nothing to end, and nothing to try again on the next pass
        deadline_cancel(actor=SCHEDULER, deadline=deadline)
        return
    if offer_expire(actor=SCHEDULER, offer=offer, now=now) is None:
        return
    notify(
        kind=Notification.Kind.DEADLINE_LAPSED,
        recipients=representatives_of(provider=offer.provider_id),
        about=deadline,
        context={
            "what": Deadline.Kind(deadline.kind).label,
            "reference": offer.reference,
            "consequence": _(
                "The offer's last day of availability has passed: it is closed and no longer "
                "matched."
            ),
        },
        link=_link(offer),
    )


def register() -> None:
    kinds.handles(Deadline.Kind.OFFER_AVAILABILITY, remind=remind, lapse=lapse)
