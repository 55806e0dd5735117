"""The site's pages, for tests that visit every one: the routes under the language prefix,
the arguments that fill them in, the people who open them, and the demo scenario they show
(with a few records whose text is as long as text gets)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.test.utils import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from equalfooting import demo
from equalfooting.accounts.models import User
from equalfooting.demo.people import ACADEMY
from equalfooting.fund import proposals
from equalfooting.fund.models import AllocationRound, Project, Review
from equalfooting.jobs.models import Job
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.notifications import tokens
from equalfooting.notifications.models import Notification
from equalfooting.offers.models import Provider
from equalfooting.programmes import events, sponsorship
from equalfooting.programmes.models import Document, Event
from equalfooting.registry.models import Organisation
from tests import factories
from tests.factories import PASSWORD, totp_device

# Who opens the pages: a visitor, then each role signed in (the last two with two-factor).
PEOPLE = {
    "visitor": None,
    "focal point": "demo-focal-ken",
    "provider": "demo-provider",
    "reviewer": "demo-reviewer",
    "secretariat": "demo-secretariat",
}
# A title as long as titles get, with a word too long for any line, and a text with a long
# address and a hash in it: they must wrap rather than widen the page.
LONG_TITLE = (
    "Support to establish a national computer security incident response team: "
    "Telecommunicationsinfrastructureresilienceassessmentprogramme, analysts' training and a "
    "regional exercise"
)
LONG_TEXT = (
    "Terms of reference: https://example.org/cooperation/terms-of-reference/"
    "national-csirt-establishment-programme-2027-phase-one-annex-b.pdf "
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

# Routes that are not pages, and so are not opened. Every other route under the language
# prefix is, so a new page is measured without a change here (one with arguments fails the test
# until _arguments() gives them). The API (/api/v1/: JSON) is outside the prefix.
SKIPPED = {
    # files: JSON, XML, PDF and the open-data exports
    "matchmaking:round_file",
    "fund:round_file",
    "iati_file",
    "exports_file",
    "annual_report_pdf",
    # the fragment of the job page that htmx swaps in (the job page itself is opened)
    "jobs:job_state",
    # actions that take only a POST (a GET answers 405); each leads back to a page opened here
    "needs:assessment_visibility",
    "needs:request_transition",
    "contacts:verify",
    "offers:offer_transition",
    "matchmaking:round_open",
    "matchmaking:round_decide",
    "matchmaking:match_state",
    "matchmaking:match_provider",
    "matchmaking:match_report",
    "fund:receive",
    "fund:round_publish",
    "fund:proposal_act",
    "fund:project_act",
    "fund:conflict_declare",
    "jobs:job_retry",
    "accounts:logout",
    "accounts:token_create",
    "accounts:token_revoke",
    "accounts:nomination_decide",
    "notifications:mark_read",
    "notifications:mark_all_read",
    "programmes:activity_curate",
    "programmes:activity_keep_to_aggregates",
    "programmes:duplicate_merge",
    "programmes:duplicate_keep_apart",
    "programmes:merge_undo",
    "programmes:register_import_apply",
    "programmes:correction_decide",
    "programmes:event_transition",
    "programmes:event_register",
    "programmes:sponsorship_open",
    "programmes:sponsorship_apply",
    "programmes:sponsorship_withdraw",
    "programmes:sponsorship_select",
    # files: the register's spreadsheet, the calendar's iCalendar feeds
    "programmes:register_export",
    "programmes:calendar_feed",
    "programmes:version_file",
    "programmes:sponsorship_file",
    "calendar_private_feed",
}


def _names(
    patterns: list[URLPattern | URLResolver], namespace: str = "", under_language: bool = False
) -> Iterator[str]:
    """The name of every route under the language prefix."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            # i18n_patterns' resolver is the one whose pattern is the language prefix
            language = under_language or isinstance(pattern.pattern, LocalePrefixPattern)
            yield from _names(pattern.url_patterns, inner, language)
        elif pattern.name and under_language:
            yield namespace + pattern.name


def page_paths(arguments: dict[str, dict[str, Any]]) -> list[str]:
    """The path of every page without its language prefix ("/requests/"), filled in with
    `arguments`."""
    paths, missing = [], []
    with translation.override("en"):
        for name in _names(get_resolver().url_patterns):
            if name in SKIPPED:
                continue
            try:
                paths.append(reverse(name, kwargs=arguments.get(name)).removeprefix("/en"))
            except NoReverseMatch:
                missing.append(name)
    assert not missing, f"new pages: give their arguments in _arguments() or skip them: {missing}"
    return paths


def _arguments(
    *, long_request: Any, long_offer: Any, draft_request: Any, long_activity: Any, long_event: Any
) -> dict[str, Any]:
    """The arguments of the pages that take some: one record of each kind, with rows to show."""
    kenya = {"iso3": "KEN"}
    secretariat = User.objects.get(username="demo-secretariat")
    match = Match.objects.filter(request__state__iso3="KEN").order_by("pk").first()
    fund_round = AllocationRound.objects.order_by("-pk").first()
    review = Review.objects.filter(reviewer__username="demo-reviewer").first()
    assert match is not None and fund_round is not None and review is not None
    return {
        "registry:state_detail": kenya,
        "registry:state_profile_edit": kenya,
        "registry:organisation_detail": {"code": Organisation.objects.order_by("pk")[0].code},
        "needs:assessment_list": kenya,
        "needs:assessment_edit": kenya,
        "needs:assessment_detail": {
            "assessment_id": Assessment.objects.filter(state__iso3="KEN").latest("pk").pk
        },
        "needs:request_detail": {"request_id": long_request.pk},
        "needs:request_edit": {"request_id": draft_request.pk},
        "needs:request_step_confirm": {"request_id": long_request.pk, "target": "withdrawn"},
        "needs:request_create": kenya,
        "contacts:nominate": kenya,
        "offers:offer_detail": {"offer_id": long_offer.pk},
        "offers:offer_edit": {"offer_id": long_offer.pk},
        "offers:offer_step_confirm": {"offer_id": long_offer.pk, "target": "withdrawn"},
        "offers:provider_detail": {"provider_id": long_offer.provider_id},
        "offers:representative_nominate": {"provider_id": long_offer.provider_id},
        "offers:offer_create": {"provider_id": long_offer.provider_id},
        "matchmaking:round_detail": {"round_id": Round.objects.latest("pk").pk},
        "matchmaking:round_discard": {"round_id": Round.objects.latest("pk").pk},
        "matchmaking:match_state_decline": {"match_id": match.pk},
        "matchmaking:match_provider_decline": {"match_id": match.pk},
        "fund:round_detail": {"round_id": fund_round.pk},
        "fund:round_discard": {"round_id": fund_round.pk},
        "fund:state_explanation": {"round_id": fund_round.pk, "iso3": "KEN"},
        "fund:proposal_create": kenya,
        "fund:proposal_detail": {"proposal_id": review.proposal_id},
        "fund:review_detail": {"review_id": review.pk},
        "fund:project_detail": {"project_id": Project.objects.latest("pk").pk},
        "jobs:job_detail": {"job_id": Job.objects.latest("created_at").pk},
        "contact_check_acknowledge": {"token": "a-token-no-check-has"},
        "focal_point_nominate": kenya,
        "accounts:two_factor_reset": {"pk": secretariat.pk},
        "accounts:password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(secretariat.pk)),
            "token": default_token_generator.make_token(secretariat),
        },
        "notifications:unsubscribe": {
            "token": tokens.unsubscribe_token(
                user=secretariat, kinds=[Notification.Kind.REQUEST_PUBLISHED]
            )
        },
        "annual_report": {"year": dt.date.today().year},
        "programmes:activity_detail": {"activity_id": long_activity.pk},
        "programmes:activity_correct": {"activity_id": long_activity.pk},
        "programmes:event_detail": {"event_id": long_event.pk},
        "programmes:document_detail": {"document_id": Document.objects.latest("pk").pk},
        "programmes:version_add": {"document_id": Document.objects.latest("pk").pk},
        "programmes:event_edit": {"event_id": long_event.pk},
    }


def build_scenario(settings: Any) -> dict[str, Any]:
    """The demo, two-factor devices for its reviewer and officer, and records with long text;
    return the arguments of every page that takes some."""
    # The demo's fifty accounts, hashed in a blink rather than Argon2's quarter of a second each
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        demo.build(password=PASSWORD)
    for username in ("demo-secretariat", "demo-reviewer"):
        totp_device(User.objects.get(username=username))
    officer = factories.passed_two_factor(User.objects.get(username="demo-secretariat"))
    focal_point = User.objects.get(username="demo-focal-ken")
    representative = User.objects.get(username="demo-provider")
    long: dict[str, Any] = {"title": LONG_TITLE, "description": LONG_TEXT}
    long_request = factories.assistance_request(
        focal_point, status=AssistanceRequest.Status.OPEN, officer=officer, **long
    )
    draft_request = factories.assistance_request(focal_point, **long)
    provider = Provider.objects.get(name=ACADEMY)
    long_offer = factories.published_offer(representative, provider, **long)
    proposals.proposal_create(
        actor=focal_point,
        state=long_request.state,
        title=LONG_TITLE,
        summary=LONG_TEXT,
        theme="incident",
        amount="1234567.89",
    )
    long_activity = factories.published_activity(
        representative, officer, beneficiaries=["KEN"], **long
    )
    long_event = events.event_save(
        actor=officer,
        title=LONG_TITLE,
        description=LONG_TEXT,
        kind=Event.Kind.ROUNDTABLE,
        time_zone="Asia/Kathmandu",  # UTC+05:45: an offset that is not whole hours
        starts_at=f"{dt.date.today().year + 1}-02-01T09:30",
        ends_at=f"{dt.date.today().year + 1}-02-03T18:00",
        attendance=Event.Attendance.HYBRID,
        venue=LONG_TEXT[:300],
        interpretation=["ar", "zh", "en", "fr", "ru", "es"],
        themes=["incident", "skills"],
        takes_registration=True,
        capacity=40,
    )
    events.event_transition(actor=officer, event=long_event, target=Event.Status.PUBLISHED)
    # A call whose places are decided, with applications: every part of the event page shows.
    call = sponsorship.call_open(
        actor=officer,
        event=long_event,
        budget="5000.00",
        closes_at=f"{dt.date.today().year + 1}-01-15T12:00",
    )
    for rank, gender in ((1, "female"), (2, "male")):
        sponsorship.application_submit(
            actor=focal_point,
            call=call,
            state=long_request.state,
            delegate=f"Delegate {rank}",
            gender=gender,
            rank=rank,
            cost="1200.00",
        )
    sponsorship.call_select(
        actor=officer, call=call, now=dt.datetime(dt.date.today().year + 1, 1, 16, tzinfo=dt.UTC)
    )
    return _arguments(
        long_event=long_event,
        long_request=long_request,
        long_offer=long_offer,
        draft_request=draft_request,
        long_activity=long_activity,
    )
