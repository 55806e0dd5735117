"""A notice reaches each person once: in the inbox always, by e-mail as they chose."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation

from equalfooting.accounts.models import User
from equalfooting.accounts.services import user_language_set
from equalfooting.core.errors import InvalidInput
from equalfooting.matchmaking.models import Match
from equalfooting.needs.models import AssistanceRequest
from equalfooting.notifications import services
from equalfooting.notifications.models import Notification
from tests import factories
from tests.notifications.conftest import bodies, sent_to

pytestmark = pytest.mark.django_db

Kind, Delivery = Notification.Kind, Notification.Delivery


def tell(recipients: list[Any], capture: Any, kind: str = Kind.REVIEW_ASSIGNED) -> None:
    with capture(execute=True):
        services.notify(
            kind=kind,
            recipients=recipients,
            about=7,
            context={"proposal": "FP-00007"},
            link="/en/fund/reviews/7/",
        )


def test_one_row_per_person_and_an_email_at_once_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    a, b = factories.user("alpha"), factories.user("bravo")
    with django_capture_on_commit_callbacks() as callbacks:
        rows = services.notify(
            kind=Kind.REVIEW_ASSIGNED,
            recipients=[a, b, a, None],
            about=7,
            context={"proposal": "FP-00007"},
            link="/fr/fund/reviews/7/",
        )
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(rows) == 2 and len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == ["alpha@example.org", "bravo@example.org"]
    row = Notification.objects.get(recipient=a)
    # The link is kept without its language; each reader gets it in their own.
    assert (row.object_type, row.object_id, row.link) == ("review", "7", "/fund/reviews/7/")
    assert row.emailed_at is not None and row.read_at is None
    message = sent_to("alpha@example.org")[0]
    assert f"{settings.EF_BASE_URL}/en/fund/reviews/7/" in message.body
    assert "FP-00007" in message.subject
    html, mime = message.alternatives[0]
    assert mime == "text/html" and f'href="{settings.EF_BASE_URL}/en/fund/reviews/7/"' in html
    # Delivering again sends nothing twice.
    assert services.deliver(notification_ids=[r.pk for r in rows]) == 0
    assert len(mail.outbox) == 2


def test_a_person_without_an_email_address_still_gets_the_inbox_row(
    django_capture_on_commit_callbacks: Any,
) -> None:
    nobody = User.objects.create_user(username="no-address", email="")
    tell([nobody], django_capture_on_commit_callbacks)
    assert mail.outbox == []
    row = Notification.objects.get(recipient=nobody)
    assert row.delivery == Delivery.AT_ONCE and row.emailed_at is None


def test_preferences_at_once_digest_and_off(django_capture_on_commit_callbacks: Any) -> None:
    at_once, digest, off = (factories.user(n) for n in ("at-once", "digest", "off"))
    services.preferences_set(actor=digest, choices={Kind.REVIEW_ASSIGNED: Delivery.DIGEST})
    services.preferences_set(actor=off, choices={Kind.REVIEW_ASSIGNED: Delivery.OFF})
    tell([at_once, digest, off], django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["at-once@example.org"]]
    # Everyone has the notice in the inbox; only the choice of e-mail differs.
    assert dict(Notification.objects.values_list("recipient__username", "delivery")) == {
        "at-once": Delivery.AT_ONCE,
        "digest": Delivery.DIGEST,
        "off": Delivery.OFF,
    }
    # Another kind is still e-mailed at once to the person who turned this one off.
    mail.outbox.clear()
    tell([off], django_capture_on_commit_callbacks, kind=Kind.TRANCHE_DISBURSED)
    assert [m.to for m in mail.outbox] == [["off@example.org"]]


def test_security_and_account_notices_cannot_be_turned_off() -> None:
    person = factories.user("person")
    with pytest.raises(InvalidInput) as caught:
        services.preferences_set(
            actor=person,
            choices={Kind.ROLE_VERIFIED: Delivery.OFF, Kind.MATCH_PROPOSED: Delivery.DIGEST},
        )
    assert set(caught.value.message_dict) == {Kind.ROLE_VERIFIED}
    assert not person.notification_preferences.exists()  # nothing written
    with pytest.raises(InvalidInput) as caught:
        services.preferences_set(actor=person, choices={"no_such_kind": Delivery.OFF})
    assert set(caught.value.message_dict) == {"no_such_kind"}
    with pytest.raises(InvalidInput) as caught:
        services.preferences_set(actor=person, choices={Kind.MATCH_PROPOSED: "weekly"})
    assert set(caught.value.message_dict) == {Kind.MATCH_PROPOSED}


def test_an_email_to_an_arabic_speaker_is_in_arabic_and_its_link_opens_the_match(
    client: Client,
    focal_point_ken: Any,
    officer: Any,
    provider: Any,
    provider_rep: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user_language_set(actor=focal_point_ken, language="ar")
    # The pages that cause the notices are in English; the reader's e-mail is not.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        factories.assistance_request(
            focal_point_ken, status=AssistanceRequest.Status.OPEN, officer=officer
        )
        factories.published_offer(provider_rep, provider)
        factories.published_round(officer)
    match = Match.objects.select_related("request", "offer").get()
    (message,) = [m for m in sent_to(focal_point_ken.email) if match.offer.reference in m.subject]
    # An Arabic subject, led by the product name, which no language translates.
    assert message.subject.startswith("Equal Footing: ") and "مطابقة" in message.subject
    with translation.override("ar"):
        sentence = translation.gettext(
            "Matching round %(round)s proposes to meet request %(request)s with offer "
            "%(offer)s (%(units)s units). The requesting State and the provider are each "
            "asked to answer."
        ) % {
            "round": match.round_id,
            "request": match.request.reference,
            "offer": match.offer.reference,
            "units": match.units,
        }
    assert sentence in message.body
    assert '<html lang="ar" dir="rtl">' in message.alternatives[0][0]
    # The provider's representative reads English, the installation's default.
    (english,) = [m for m in sent_to(provider_rep.email) if match.offer.reference in m.subject]
    assert english.subject.startswith("Equal Footing: Match proposed")
    link = re.search(re.escape(settings.EF_BASE_URL) + r"(/\S+)", message.body)
    assert link is not None
    path = link.group(1)
    assert path == f"/ar/rounds/{match.round_id}/#match-{match.pk}"
    client.force_login(focal_point_ken)
    page = client.get(path.split("#")[0])
    assert page.status_code == 200
    assert f'id="match-{match.pk}"' in page.content.decode()


def test_match_proposed_reaches_the_state_and_the_provider(
    match_proposed: Match, focal_point_ken: Any, provider_rep: Any, officer: Any
) -> None:
    told = set(
        Notification.objects.filter(kind=Kind.MATCH_PROPOSED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {focal_point_ken.username, provider_rep.username}
    assert {m.to[0] for m in mail.outbox} == {focal_point_ken.email, provider_rep.email}
    for message in mail.outbox:
        assert match_proposed.request.reference in message.subject
        assert match_proposed.offer.reference in message.subject


@override_settings(EF_BASE_URL="https://ef.example.org:8443")
def test_links_are_built_from_the_installations_address(
    django_capture_on_commit_callbacks: Any,
) -> None:
    tell([factories.user("reader")], django_capture_on_commit_callbacks)
    assert "https://ef.example.org:8443/en/fund/reviews/7/" in bodies(mail.outbox[0])
    assert "https://ef.example.org:8443/en/account/notifications/preferences/" in bodies(
        mail.outbox[0]
    )


def test_a_notice_carries_plain_values_only() -> None:
    with pytest.raises(InvalidInput) as caught:
        services.notify(
            kind=Kind.REVIEW_ASSIGNED,
            recipients=[factories.user("reader")],
            about=1,
            context={"proposal": object()},
            link="/en/",
        )
    assert set(caught.value.message_dict) == {"proposal"}
    assert not Notification.objects.exists()
