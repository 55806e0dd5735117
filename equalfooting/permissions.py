"""Who may do what: the one place that decides every access.

Every view and API route calls `require` (or wears `guard`), and every write service calls
`require` again, so a rule is stated once and enforced on every path to the data.

A rule maps an action to the roles that grant it and, for each, a test against the object
acted on. Rights come only from *verified* roles. Secretariat and reviewer roles are
privileged: they grant nothing until the session has passed TOTP two-factor authentication.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from equalfooting.core.errors import NotAllowed, TwoFactorRequired

# This module sits on the ground floor beside the audit log: every part's services call it,
# so it imports none of them. Its tests read the objects they are given (duck-typed), and the
# models say themselves what is public (`is_public`, `is_shared_with`).

Kind = str
Test = Callable[[Any, Any], bool]

FOCAL_POINT, PROVIDER, REVIEWER, SECRETARIAT = "focal_point", "provider", "reviewer", "secretariat"
# Everyone, signed in or not, holds the public pseudo-role.
PUBLIC = "public"
PRIVILEGED = {SECRETARIAT, REVIEWER}
# System actors: processes, never people. Each acts under a pseudo-role of its own, granted only
# the actions it needs here, and the audit chain names it as the actor. Nothing signs in as one.
SYSTEM_WORKER, SYSTEM_SCHEDULER, SYSTEM_DEMO = "system:worker", "system:scheduler", "system:demo"
# The monitoring system that scrapes /metrics: it proves itself with EF_METRICS_TOKEN.
SYSTEM_METRICS = "system:metrics"
SYSTEM_ACTORS = frozenset({SYSTEM_WORKER, SYSTEM_SCHEDULER, SYSTEM_DEMO, SYSTEM_METRICS})


def _any(role: Any, obj: Any) -> bool:
    return True


def _own_state(role: Any, state: Any) -> bool:
    return state is not None and role.state_id == state.pk


def _own_state_of(role: Any, obj: Any) -> bool:
    """For objects that belong to a State (assessments, requests, contacts)."""
    return obj is not None and role.state_id == obj.state_id


def _own_provider(role: Any, obj: Any) -> bool:
    """For a provider organisation, or anything that belongs to one (offers, matches)."""
    if obj is None:
        return False
    provider_id = getattr(obj, "provider_id", None) or getattr(obj, "pk", None)
    return role.provider_id is not None and role.provider_id == provider_id


def _published_offer(role: Any, offer: Any) -> bool:
    return bool(offer.is_public)


def _visible_assessment(shared_with: set[str]) -> Test:
    def test(role: Any, assessment: Any) -> bool:
        return bool(assessment.is_shared_with(shared_with))

    return test


def _public_request(role: Any, request: Any) -> bool:
    return bool(request.is_public)


def _public_activity(role: Any, activity: Any) -> bool:
    return bool(activity.is_public)


def _activity_of_state(role: Any, activity: Any) -> bool:
    """A register record the State proposed, or one naming it as a beneficiary."""
    return activity is not None and (
        role.state_id == activity.proposed_for_state_id or role.state_id in activity.beneficiary_ids
    )


def _activity_of_provider(role: Any, activity: Any) -> bool:
    return (
        activity is not None
        and role.provider_id is not None
        and role.provider_id == activity.proposed_for_provider_id
    )


def _own_job(role: Any, job: Any) -> bool:
    return (
        job is not None and job.requested_by_id is not None and role.user_id == job.requested_by_id
    )


RULES: dict[str, dict[Kind, Test]] = {
    # A State's public profile: its own focal points, or the Secretariat.
    "state.profile.edit": {FOCAL_POINT: _own_state, SECRETARIAT: _any},
    # Nominating a focal point for a State: a verified colleague, or the Secretariat.
    "role.nominate.focal_point": {FOCAL_POINT: _own_state, SECRETARIAT: _any},
    # Nominating reviewers, provider representatives and Secretariat staff.
    "role.nominate.other": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # Verifying, rejecting or revoking a nomination.
    "role.decide": {SECRETARIAT: _any},
    # Seeing who holds which role, and pending nominations.
    "role.list": {SECRETARIAT: _any},
    # Removing another person's second factor (authenticator and recovery codes), so they
    # enrol again at their next sign-in; never one's own.
    "two_factor.reset": {
        SECRETARIAT: lambda role, person: person is not None and role.user_id != person.pk
    },
    # The stored state behind each audit digest (may hold confidential data).
    "audit.payload.view": {SECRETARIAT: _any},
    # Self-assessment: the State's own; confidential unless it chose to share it.
    "assessment.edit": {FOCAL_POINT: _own_state},
    "assessment.manage": {FOCAL_POINT: _own_state_of},
    "assessment.view": {
        FOCAL_POINT: _own_state_of,
        SECRETARIAT: _any,
        PROVIDER: _visible_assessment({"providers", "public"}),
        PUBLIC: _visible_assessment({"public"}),
    },
    # Requests for assistance: only the State's own focal points create, edit, submit, withdraw.
    "request.create": {FOCAL_POINT: _own_state},
    "request.edit": {FOCAL_POINT: _own_state_of},
    "request.view": {FOCAL_POINT: _own_state_of, SECRETARIAT: _any, PUBLIC: _public_request},
    # Taking part in a request's workflow at all; the service then checks the exact role.
    "request.act": {FOCAL_POINT: _own_state_of, SECRETARIAT: _any},
    # Workflow steps, by the role the transition table names.
    "request.step.focal_point": {FOCAL_POINT: _own_state_of},
    "request.step.secretariat": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # Points of Contact directory: verified contacts (focal points) and the Secretariat.
    "contact.nominate": {FOCAL_POINT: _own_state, SECRETARIAT: _any},
    "contact.directory": {FOCAL_POINT: _any, SECRETARIAT: _any},
    "contact.verify": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # A contact check: launched by the Secretariat, or by the scheduler when one is due.
    "contact.check.launch": {SECRETARIAT: _any, SYSTEM_SCHEDULER: _any},
    # Writing a check round's checks and e-mailing their links: the worker, for the launcher.
    "contact.check.send": {SYSTEM_WORKER: _any},
    # Offers: made by a provider's verified representatives; public once published.
    "offer.create": {PROVIDER: _own_provider},
    "offer.edit": {PROVIDER: _own_provider},
    "offer.view": {PROVIDER: _own_provider, SECRETARIAT: _any, PUBLIC: _published_offer},
    # Matching rounds: run and published by the Secretariat.
    "round.run": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # Solving a round and writing its proposal: the worker, for whoever opened the round.
    "round.solve": {SYSTEM_WORKER: _any},
    # A proposed match: the requesting State accepts or declines; the provider confirms or
    # declines; each reports delivery.
    "match.state_decide": {
        FOCAL_POINT: lambda role, match: role.state_id == match.request.state_id
    },
    "match.provider_decide": {
        PROVIDER: lambda role, match: role.provider_id == match.offer.provider_id
    },
    "match.report": {
        FOCAL_POINT: lambda role, match: role.state_id == match.request.state_id,
        PROVIDER: lambda role, match: role.provider_id == match.offer.provider_id,
    },
    # The fund's priority queue (requests declined for a legal restriction).
    "fund.queue.view": {SECRETARIAT: _any},
    # Recording rates, contributions, allocation rounds, commitments and disbursements.
    "fund.manage": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # Fund proposals: the State's own focal points; blind review by appointed reviewers.
    "proposal.edit": {FOCAL_POINT: _own_state_of},
    "proposal.view": {FOCAL_POINT: _own_state_of, SECRETARIAT: _any},
    "review.submit": {REVIEWER: _any},
    "review.declare_conflict": {REVIEWER: _any},
    # Background jobs: a job's page is for whoever asked for it, and for the Secretariat, which
    # also sees every failed job and may try it again. Workers keep the leases.
    "job.view": {
        SECRETARIAT: _any,
        FOCAL_POINT: _own_job,
        PROVIDER: _own_job,
        REVIEWER: _own_job,
    },
    "job.list": {SECRETARIAT: _any},
    "job.retry": {SECRETARIAT: _any},
    "job.lease": {SYSTEM_WORKER: _any},
    # Published files (annual report PDFs, IATI files, the mirror bundle): the worker prepares
    # them; the scheduler queues a refresh (on a reader's behalf, when a file is out of date).
    # The Secretariat may ask for one to be prepared now.
    "files.prepare": {SYSTEM_WORKER: _any, SYSTEM_SCHEDULER: _any},
    "files.prepare.request": {SECRETARIAT: _any},
    # The work each role sees on its "My work" page: the Secretariat's and the reviewer's only
    # once the session has passed two-factor authentication, like their other pages.
    "work.secretariat": {SECRETARIAT: _any},
    "work.reviewer": {REVIEWER: _any},
    "work.focal_point": {FOCAL_POINT: _any},
    "work.provider": {PROVIDER: _any},
    # The scheduler's pass: reminders, lapses, digests. Only the scheduler runs it.
    "deadline.sweep": {SYSTEM_SCHEDULER: _any},
    # Ending an offer whose availability has passed.
    "offer.expire": {SYSTEM_SCHEDULER: _any},
    # The register of capacity-building activities: providers and States propose records (for
    # their own organisation or State), the Secretariat curates; public once published, unless
    # a beneficiary State asked that the record be shown only in aggregate.
    "activity.propose": {PROVIDER: _any, FOCAL_POINT: _any, SYSTEM_DEMO: _any},
    "activity.view": {
        SECRETARIAT: _any,
        FOCAL_POINT: _activity_of_state,
        PROVIDER: _activity_of_provider,
        PUBLIC: _public_activity,
    },
    "activity.curate": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # A correction to a record: by any provider or State that can see the record.
    "activity.correct": {
        PROVIDER: lambda role, a: _public_activity(role, a) or _activity_of_provider(role, a),
        FOCAL_POINT: lambda role, a: _public_activity(role, a) or _activity_of_state(role, a),
    },
    # Importing a spreadsheet of records (the import is the Secretariat's curation of them).
    "activity.import": {SECRETARIAT: _any},
    "activity.aggregate": {
        FOCAL_POINT: lambda role, activity: role.state_id in activity.beneficiary_ids
    },
    # The mechanism's own matches and projects enter the register by themselves.
    "activity.sync": {SYSTEM_SCHEDULER: _any, SYSTEM_DEMO: _any},
    # The calendar: the Secretariat keeps the events; anyone with a verified role registers
    # for those that take registration, and cancels their own registration.
    "event.manage": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    "event.view": {SECRETARIAT: _any, PUBLIC: lambda role, event: event.is_public},
    "event.register": {
        SECRETARIAT: _any,
        FOCAL_POINT: _any,
        PROVIDER: _any,
        REVIEWER: _any,
    },
    # Sponsorship of delegates to an event: the Secretariat opens the call (moving its budget
    # from the fund) and applies the published rule; a State's focal points apply for their
    # State's delegates.
    "sponsorship.manage": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    "sponsorship.apply": {FOCAL_POINT: _own_state},
    # The library: the Secretariat adds documents and their language versions; public.
    "document.manage": {SECRETARIAT: _any, SYSTEM_DEMO: _any},
    # A private calendar link (the person's deadlines and registrations, by subscription).
    "calendar.link": {
        SECRETARIAT: _any,
        FOCAL_POINT: _any,
        PROVIDER: _any,
        REVIEWER: _any,
    },
    # The operator's monitoring: request latency, queue depth, job failures (no one's data).
    "metrics.read": {SYSTEM_METRICS: _any},
}


class _PublicRole:
    kind = PUBLIC
    state_id = None
    provider_id = None


_PUBLIC_ROLE = _PublicRole()


class _SystemRole:
    """The pseudo-role of a system actor: its kind is the actor's own name."""

    state_id = None
    provider_id = None
    user_id = None

    def __init__(self, kind: str) -> None:
        self.kind = kind


_SYSTEM_ROLES = {actor: _SystemRole(actor) for actor in SYSTEM_ACTORS}


def verified_roles(user: Any) -> list[Any]:
    """The user's verified roles, read once per request and kept on the user object.

    A system actor (`system:worker`, `system:scheduler`, `system:demo`) holds its own
    pseudo-role; any other string holds none.
    """
    if isinstance(user, str):
        return [_SYSTEM_ROLES[user]] if user in _SYSTEM_ROLES else []
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_ef_roles", None)
    if cached is None:
        cached = list(user.roles.verified())
        user._ef_roles = cached
    return cached


def metrics_scraper(authorization: str, token: str) -> str | None:
    """The monitoring system's actor, when the request's Authorization header carries the
    installation's metrics token (compared in constant time); None otherwise."""
    scheme, _, given = authorization.partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode()):
        return SYSTEM_METRICS
    return None


def person(actor: Any) -> Any:
    """The person behind an actor, for the "by" columns of the tables, or None for a system
    actor (the audit chain names the system actor itself)."""
    return None if isinstance(actor, str) else actor


def forget_roles(user: Any) -> None:
    """Drop the per-request cache after a user's roles changed."""
    if hasattr(user, "_ef_roles"):
        del user._ef_roles


def has_role(user: Any, kind: Kind) -> bool:
    return any(role.kind == kind for role in verified_roles(user))


def is_two_factor_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    if callable(check):  # django-otp's middleware puts it on the user of every request
        return bool(check())
    # Outside a request (the demo, the command line), `accounts.services.two_factor_pass`
    # checks a real TOTP code and marks the user object just as django-otp's login does.
    return getattr(user, "otp_device", None) is not None


def focal_point_states(user: Any) -> set[int]:
    return {r.state_id for r in verified_roles(user) if r.kind == FOCAL_POINT}


def _decide(user: Any, action: str, obj: Any) -> str:
    """'allow', 'two_factor' or 'deny'."""
    rule = RULES[action]  # an unknown action is a programming error, never a silent allow
    needs_two_factor = False
    for role in [*verified_roles(user), _PUBLIC_ROLE]:
        test = rule.get(role.kind)
        if test is None or not test(role, obj):
            continue
        if role.kind in PRIVILEGED and not is_two_factor_verified(user):
            needs_two_factor = True
            continue
        return "allow"
    return "two_factor" if needs_two_factor else "deny"


def can(user: Any, action: str, obj: Any = None) -> bool:
    return _decide(user, action, obj) == "allow"


def awaits_two_factor(user: Any, action: str, obj: Any = None) -> bool:
    """The user would be allowed this once the session passes two-factor authentication."""
    return _decide(user, action, obj) == "two_factor"


def require(user: Any, action: str, obj: Any = None) -> None:
    decision = _decide(user, action, obj)
    if decision == "two_factor":
        raise TwoFactorRequired(_("This action needs two-factor authentication."))
    if decision == "deny":
        raise NotAllowed(_("You are not allowed to do this."))


def guard(action: str, load: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """Decorate a view: load the object from the URL arguments, then `require` the action.

    The action is recorded on the view (`ef_action`), so tests can find every guarded route
    from the URL configuration alone.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            obj = load(**kwargs) if load else None
            require(request.user, action, obj)
            if obj is not None:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        wrapped.ef_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorate
