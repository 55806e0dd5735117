"""What a review's deadline means: a reminder to the reviewer, and an overdue notice.

A review is due `EF_REVIEW_DAYS` after it is assigned. Past that, nothing is taken from the
reviewer: the review stays open, and the Secretariat (and the reviewer) are told it is overdue,
so the Secretariat can assign another reviewer. Registered from `FundConfig.ready`.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equalfooting import permissions
from equalfooting.accounts.selectors import secretariat_staff
from equalfooting.deadlines import kinds
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadline_cancel, deadline_lapse
from equalfooting.notifications.models import Notification
from equalfooting.notifications.services import notify

from .models import Review

SCHEDULER = permissions.SYSTEM_SCHEDULER


def _review(deadline: Deadline, *, lock: bool = False) -> Review | None:
    found = Review.objects.select_related("proposal")
    if lock:
        found = found.select_for_update(of=("self",))
    return found.filter(pk=int(deadline.object_id)).first()


def _context(review: Review, deadline: Deadline) -> dict[str, object]:
    # The proposal's reference only: the reviewer never learns the State from a notice.
    return {"what": Deadline.Kind(deadline.kind).label, "reference": review.proposal.reference}


def remind(deadline: Deadline, days_left: int) -> None:
    review = _review(deadline)
    if review is None or review.status != Review.Status.ASSIGNED:
        return
    notify(
        kind=Notification.Kind.DEADLINE_REMINDER,
        recipients=[review.reviewer],
        about=deadline,
        context={
            **_context(review, deadline),
            "due": deadline.due_at.strftime("%Y-%m-%d %H:%M"),
            "days": days_left,
        },
        link=reverse("fund:review_detail", kwargs={"review_id": review.pk}),
    )


def lapse(deadline: Deadline, now: dt.datetime) -> None:
    review = _review(deadline, lock=True)
    if review is None or review.status != Review.Status.ASSIGNED:
        # Nothing is awaited any more: cancelled, never lapsed.
        deadline_cancel(actor=SCHEDULER, deadline=deadline)
        return
    if deadline_lapse(actor=SCHEDULER, deadline=deadline, now=now) is None:
        return
    context = {
        **_context(review, deadline),
        "consequence": _("The review is overdue; the Secretariat may assign another reviewer."),
    }
    notify(
        kind=Notification.Kind.DEADLINE_LAPSED,
        recipients=[review.reviewer],
        about=deadline,
        context=context,
        link=reverse("fund:review_detail", kwargs={"review_id": review.pk}),
    )
    notify(
        kind=Notification.Kind.DEADLINE_LAPSED,
        recipients=secretariat_staff(),
        about=deadline,
        context=context,
        link=reverse("fund:proposal_detail", kwargs={"proposal_id": review.proposal_id}),
    )


def register() -> None:
    kinds.handles(Deadline.Kind.REVIEW, remind=remind, lapse=lapse)
