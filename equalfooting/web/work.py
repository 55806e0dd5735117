"""Each person's work: what waits for them, the nearest deadline first, the action at hand.

Signing in lands here. The page gathers, for each verified role the person holds, what the
mechanism asks of them now, from each part's selectors, each list in a fixed number of queries
whatever its length (a test holds the count for 1 and for 50 waiting items).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from equalfooting import permissions
from equalfooting.accounts.models import Role
from equalfooting.accounts.selectors import roles_with_status
from equalfooting.contacts.models import PointOfContact
from equalfooting.contacts.selectors import checks_waiting
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.selectors import deadlines_open
from equalfooting.fund.models import Proposal
from equalfooting.fund.selectors import (
    projects_unpaid,
    proposals_in_status,
    reviews_overdue,
    reviews_waiting,
)
from equalfooting.jobs.selectors import jobs_failed
from equalfooting.matchmaking import selectors as matches
from equalfooting.needs.models import AssistanceRequest
from equalfooting.needs.selectors import assessments_stale, requests_in_status
from equalfooting.offers.selectors import offers_of_providers, unmet_demand
from equalfooting.programmes.corrections import corrections_waiting
from equalfooting.programmes.selectors import curation_queue

# A self-assessment older than this is due again.
ASSESSMENT_AGE = dt.timedelta(days=365)
# The Secretariat sees the lapses of the last month.
LAPSES_SHOWN = dt.timedelta(days=30)
# Each kind of waiting thing shows at most this many rows, so that the page costs the same
# however much waits; the section then says more are waiting and where all of them are.
PER_KIND = 20


@dataclass
class Waiting:
    """One thing waiting for the reader."""

    what: str | Promise  # what kind of thing it is ("Match to answer")
    reference: str
    title: str
    link: str
    due_at: dt.datetime | None = None
    # How the action is shown: "state" and "provider" include a match's answer buttons;
    # "link" shows `action` as a link to `link`.
    form: str = "link"
    action: str | Promise = ""
    obj: Any = None
    detail: str | Promise = ""


@dataclass
class Section:
    """The work of one role."""

    heading: str | Promise
    items: list[Waiting] = field(default_factory=list)
    # Figures shown beside the list (a provider's unmet demand).
    demand: list[dict[str, Any]] = field(default_factory=list)
    # What the role may start from here: (label, address).
    starts: list[tuple[str | Promise, str]] = field(default_factory=list)
    # The kinds with more waiting than shown: (what, the address of their full list or "").
    more: list[tuple[str | Promise, str]] = field(default_factory=list)

    def first(self, rows: Any, what: str | Promise, everything: str = "") -> list[Any]:
        """The first PER_KIND of `rows` (a queryset is read with a LIMIT); when there are
        more, the section records it, with the address where all of them are."""
        found = list(rows[: PER_KIND + 1])
        if len(found) > PER_KIND:
            self.more.append((what, everything))
        return found[:PER_KIND]

    def ordered(self) -> list[Waiting]:
        """The nearest deadline first; then what has no deadline, in the order found."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return sorted(self.items, key=lambda w: w.due_at or far)


def _due(kind: str, object_type: str, objects: Iterable[Any]) -> dict[str, Deadline]:
    return deadlines_open(kind=kind, object_type=object_type, ids=list(objects))


def _match_ref(m: Any) -> str:
    return f"{m.request.reference} ↔ {m.offer.reference}"


def _match_link(m: Any) -> str:
    return reverse("matchmaking:round_detail", kwargs={"round_id": m.round_id}) + f"#match-{m.pk}"


def _matches_to_answer(
    found: list[Any],
    *,
    kind: str,
    what: str | Promise,
    side: str,
    title: Callable[[Any], str],
    detail: Callable[[Any], str],
) -> list[Waiting]:
    """Matches one side is to answer, each with its deadline (one query) and its buttons."""
    due = _due(kind, "match", found)
    return [
        Waiting(
            what=what,
            reference=_match_ref(m),
            title=title(m),
            link=_match_link(m),
            due_at=getattr(due.get(str(m.pk)), "due_at", None),
            form=side,
            obj=m,
            detail=detail(m),
        )
        for m in found
    ]


def focal_point_work(state_ids: set[int], now: dt.datetime) -> Section:
    section = Section(_("For your State"))
    section.items += _matches_to_answer(
        section.first(matches.matches_awaiting_state(state_ids=state_ids), _("Match to answer")),
        kind=Deadline.Kind.MATCH_STATE_ANSWER,
        what=_("Match to answer"),
        side="state",
        title=lambda m: m.request.title,
        detail=lambda m: (
            ngettext(
                "%(units)s unit offered by %(provider)s",
                "%(units)s units offered by %(provider)s",
                m.units,
            )
            % {"units": m.units, "provider": m.offer.provider.name}
        ),
    )
    returned = requests_in_status(statuses=[AssistanceRequest.Status.RETURNED], state_ids=state_ids)
    for r in section.first(returned, _("Request returned for information")):
        section.items.append(
            Waiting(
                what=_("Request returned for information"),
                reference=r.reference,
                title=r.title,
                link=reverse("needs:request_edit", kwargs={"request_id": r.pk}),
                action=_("Complete the request"),
            )
        )
    for check in section.first(
        checks_waiting(state_ids=state_ids), _("Contact check to acknowledge")
    ):
        section.items.append(
            Waiting(
                what=_("Contact check to acknowledge"),
                reference=check.contact_name,
                title=str(PointOfContact.Kind(check.contact_kind).label),
                link=reverse("contacts:directory"),
                due_at=check.due_at,
                action=_("See the directory"),
                detail=_("The point of contact confirms from the link in the e-mail sent."),
            )
        )
    for state, latest in assessments_stale(state_ids=state_ids, older_than=now - ASSESSMENT_AGE):
        section.items.append(
            Waiting(
                what=_("Self-assessment to renew") if latest else _("Self-assessment to make"),
                reference=state.iso3,
                title=state.name,
                link=reverse("needs:assessment_edit", kwargs={"iso3": state.iso3}),
                action=_("Assess the State's needs"),
                detail=_("Last submitted on %(date)s") % {"date": latest.date().isoformat()}
                if latest
                else "",
            )
        )
    return section


def provider_work(provider_ids: set[int]) -> Section:
    section = Section(_("For your organisation"))
    section.items += _matches_to_answer(
        section.first(
            matches.matches_awaiting_provider(provider_ids=provider_ids), _("Match to confirm")
        ),
        kind=Deadline.Kind.MATCH_PROVIDER_CONFIRM,
        what=_("Match to confirm"),
        side="provider",
        title=lambda m: m.offer.title,
        detail=lambda m: (
            ngettext("%(units)s unit for %(state)s", "%(units)s units for %(state)s", m.units)
            % {"units": m.units, "state": m.request.state.name}
        ),
    )
    for m in section.first(
        matches.matches_delivering(provider_ids=provider_ids), _("Delivery to report")
    ):
        section.items.append(
            Waiting(
                what=_("Delivery to report"),
                reference=_match_ref(m),
                title=m.offer.title,
                link=_match_link(m),
                action=_("Report on the delivery"),
            )
        )
    section.starts = [
        (
            _("Make a new offer"),
            reverse("offers:offer_create", kwargs={"provider_id": provider_id}),
        )
        for provider_id in sorted(provider_ids)
    ]
    offers = section.first(
        offers_of_providers(provider_ids=provider_ids),
        _("Offer"),
        reverse("offers:offer_list"),
    )
    ends = _due(Deadline.Kind.OFFER_AVAILABILITY, "offer", offers)
    demand = unmet_demand(offers=offers)
    section.demand = [
        {
            "offer": o,
            "ends_at": getattr(ends.get(str(o.pk)), "due_at", None),
            **demand.get(o.pk, {}),
        }
        for o in offers
    ]
    return section


def reviewer_work(user: Any) -> Section:
    section = Section(_("Your reviews"))
    reviews = section.first(
        reviews_waiting(reviewer=user), _("Review to write"), reverse("fund:review_list")
    )
    due = _due(Deadline.Kind.REVIEW, "review", reviews)
    for review in reviews:
        section.items.append(
            Waiting(
                what=_("Review to write"),
                # The proposal's reference only: the review is blind.
                reference=review.proposal.reference,
                title="",
                link=reverse("fund:review_detail", kwargs={"review_id": review.pk}),
                due_at=getattr(due.get(str(review.pk)), "due_at", None),
                action=_("Write the review"),
            )
        )
    return section


def secretariat_work(now: dt.datetime) -> Section:
    section = Section(_("For the Secretariat"))
    add = section.items.append
    first = section.first
    for role in first(
        roles_with_status(status=Role.Status.NOMINATED),
        _("Nomination to verify"),
        reverse("accounts:nominations"),
    ):
        add(
            Waiting(
                what=_("Nomination to verify"),
                reference=role.get_kind_display(),
                title=role.user.get_username(),
                link=reverse("accounts:nominations"),
                action=_("Verify or refuse"),
            )
        )
    to_screen = [AssistanceRequest.Status.SUBMITTED, AssistanceRequest.Status.SCREENING]
    for r in first(
        requests_in_status(statuses=to_screen),
        _("Request to screen"),
        reverse("needs:request_list") + f"?status={AssistanceRequest.Status.SUBMITTED}",
    ):
        add(
            Waiting(
                what=_("Request to screen"),
                reference=r.reference,
                title=f"{r.title} ({r.state.name})",
                link=reverse("needs:request_detail", kwargs={"request_id": r.pk}),
                action=_("Screen the request"),
            )
        )
    for round_ in first(
        matches.rounds_proposed(),
        _("Round to publish or discard"),
        reverse("matchmaking:round_list"),
    ):
        add(
            Waiting(
                what=_("Round to publish or discard"),
                reference=str(round_.pk),
                title="",
                link=reverse("matchmaking:round_detail", kwargs={"round_id": round_.pk}),
                action=_("Review the round"),
            )
        )
    for p in first(
        proposals_in_status(statuses=[Proposal.Status.SUBMITTED, Proposal.Status.UNDER_REVIEW]),
        _("Proposal to assign to reviewers"),
    ):
        if p.status == Proposal.Status.SUBMITTED:
            what, action = _("Proposal to assign to reviewers"), _("Assign reviewers")
        # (reviews_in, reviews_open: counts the selector annotates)
        elif getattr(p, "reviews_in", 0) and not getattr(p, "reviews_open", 0):
            what, action = _("Proposal to determine"), _("Make the determination")
        else:
            continue  # reviews still being written: nothing for the Secretariat yet
        add(
            Waiting(
                what=what,
                reference=p.reference,
                title=f"{p.title} ({p.state.name})",
                link=reverse("fund:proposal_detail", kwargs={"proposal_id": p.pk}),
                action=action,
            )
        )
    for review in first(reviews_overdue(), _("Review overdue"), reverse("fund:review_list")):
        add(
            Waiting(
                what=_("Review overdue"),
                reference=review.proposal.reference,
                title=f"{review.proposal.title} ({review.proposal.state.name})",
                link=reverse("fund:proposal_detail", kwargs={"proposal_id": review.proposal_id}),
                action=_("Assign another reviewer"),
            )
        )
    for project in first(projects_unpaid(), _("Tranche to disburse")):
        add(
            Waiting(
                what=_("Tranche to disburse"),
                reference=project.reference,
                title=f"{project.title} ({project.state.name})",
                link=reverse("fund:project_detail", kwargs={"project_id": project.pk}),
                action=_("Disburse a tranche"),
            )
        )
    for m in first(matches.matches_lapsed_since(since=now - LAPSES_SHOWN), _("Match lapsed")):
        add(
            Waiting(
                what=_("Match lapsed"),
                reference=_match_ref(m),
                title=m.request.state.name,
                link=_match_link(m),
                action=_("See the round"),
            )
        )
    for record in first(
        curation_queue(), _("Record to curate"), reverse("programmes:curation_queue")
    ):
        add(
            Waiting(
                what=_("Record to curate"),
                reference=record.reference,
                title=record.title,
                link=reverse("programmes:activity_detail", kwargs={"activity_id": record.pk}),
                action=_("Curate the record"),
            )
        )
    for correction in first(
        corrections_waiting(), _("Correction to decide"), reverse("programmes:curation_queue")
    ):
        add(
            Waiting(
                what=_("Correction to decide"),
                reference=correction.activity.reference,
                title=correction.activity.title,
                link=reverse(
                    "programmes:activity_detail", kwargs={"activity_id": correction.activity_id}
                ),
                action=_("Decide on the correction"),
            )
        )
    for job in first(jobs_failed(), _("Failed job"), reverse("jobs:job_list")):
        add(
            Waiting(
                what=_("Failed job"),
                reference=str(job.pk)[:8],
                title=str(_(job.title)),
                link=reverse("jobs:job_detail", kwargs={"job_id": job.pk}),
                action=_("Try it again"),
            )
        )
    return section


@require_safe
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    roles = permissions.verified_roles(user)
    sections = []
    if permissions.can(user, "work.secretariat"):
        sections.append(secretariat_work(now))
    if permissions.can(user, "work.focal_point"):
        sections.append(focal_point_work(permissions.focal_point_states(user), now))
    if permissions.can(user, "work.provider"):
        sections.append(
            provider_work({r.provider_id for r in roles if r.kind == permissions.PROVIDER})
        )
    if permissions.can(user, "work.reviewer"):
        sections.append(reviewer_work(user))
    # A Secretariat officer or a reviewer whose session has not passed two-factor
    # authentication sees nothing of that role's work until it has.
    two_factor = any(
        permissions.awaits_two_factor(user, action)
        for action in ("work.secretariat", "work.reviewer")
    )
    return render(
        request,
        "core/my_work.html",
        {
            "sections": [(s, s.ordered()) for s in sections],
            "two_factor": two_factor,
            # The matches' deadlines are explained to those who answer matches.
            "answers_matches": permissions.can(user, "work.focal_point")
            or permissions.can(user, "work.provider"),
            "here": reverse("core:my_work"),
            "per_kind": PER_KIND,
            "answer_days": settings.EF_DEADLINE_DAYS[Deadline.Kind.MATCH_STATE_ANSWER],
            "confirm_days": settings.EF_DEADLINE_DAYS[Deadline.Kind.MATCH_PROVIDER_CONFIRM],
        },
    )
