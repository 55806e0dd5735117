"""The daily digest: one e-mail a person, never twice, with links that stop it kind by kind."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.notifications import services
from equalfooting.notifications.models import Notification, Preference
from equalfooting.notifications.tokens import unsubscribe_read, unsubscribe_token
from tests import factories

pytestmark = pytest.mark.django_db

Kind, Delivery = Notification.Kind, Notification.Delivery
TODAY = dt.datetime.now(dt.UTC).date()
KINDS = (Kind.MATCH_PROPOSED, Kind.TRANCHE_DISBURSED)


def tell(person: Any, kind: str, ref: str, capture: Any) -> None:
    with capture(execute=True):
        services.notify(
            kind=kind,
            recipients=[person],
            about=1,
            context={
                "round": 1,
                "request": ref,
                "offer": "OFF-00001",
                "units": 3,
                "project": ref,
                "title": "Training",
                "amount": "10.00",
            },
            link="/en/rounds/1/",
        )


@pytest.fixture
def reader(django_capture_on_commit_callbacks: Any) -> Any:
    """A person who asked for a digest of two kinds and was told three things today."""
    person = factories.user("reader")
    services.preferences_set(actor=person, choices=dict.fromkeys(KINDS, Delivery.DIGEST))
    tell(person, Kind.MATCH_PROPOSED, "REQ-00001", django_capture_on_commit_callbacks)
    tell(person, Kind.MATCH_PROPOSED, "REQ-00002", django_capture_on_commit_callbacks)
    tell(person, Kind.TRANCHE_DISBURSED, "PRJ-00003", django_capture_on_commit_callbacks)
    assert mail.outbox == []  # nothing at once
    return person


def unsubscribe_links(body: str) -> list[str]:
    return re.findall(r"https?://\S+/account/notifications/unsubscribe/\S+/", body)


def test_one_digest_a_person_and_running_it_twice_sends_nothing_twice(reader: Any) -> None:
    assert services.digest_send(day=TODAY) == 1
    assert len(mail.outbox) == 1
    digest: Any = mail.outbox[0]
    assert digest.to == [reader.email]
    for ref in ("REQ-00001", "REQ-00002", "PRJ-00003"):
        assert ref in digest.body and ref in digest.alternatives[0][0]
    assert len(unsubscribe_links(digest.body)) == 2  # one for each kind it holds
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.digest_send(day=TODAY) == 0
    assert len(mail.outbox) == 1
    # The next day's run finds nothing new.
    assert services.digest_send(day=TODAY + dt.timedelta(days=1)) == 0


def test_a_digest_for_an_earlier_day_leaves_later_notices_for_their_own_day(
    reader: Any,
) -> None:
    assert services.digest_send(day=TODAY - dt.timedelta(days=1)) == 0
    assert mail.outbox == []
    assert services.digest_send(day=TODAY) == 1


def test_the_unsubscribe_link_works_without_signing_in_and_only_for_its_kind(
    client: Client, reader: Any
) -> None:
    services.digest_send(day=TODAY)
    links = unsubscribe_links(str(mail.outbox[0].body))
    by_kind = {
        tuple(unsubscribe_read(token=link.rstrip("/").rsplit("/", 1)[1])[1]): link for link in links
    }
    assert set(by_kind) == {(Kind.MATCH_PROPOSED,), (Kind.TRANCHE_DISBURSED,)}
    path = by_kind[(Kind.MATCH_PROPOSED,)].split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)  # no one is signed in
    assert page.status_code == 200 and b"<form" in page.content
    assert Preference.objects.get(user=reader, kind=Kind.MATCH_PROPOSED).delivery == (
        Delivery.DIGEST  # looking at the page changes nothing
    )
    done = client.post("/" + path)
    assert done.status_code == 200
    choices = dict(Preference.objects.filter(user=reader).values_list("kind", "delivery"))
    assert choices[Kind.MATCH_PROPOSED] == Delivery.OFF
    assert choices[Kind.TRANCHE_DISBURSED] == Delivery.DIGEST  # the other kind is untouched
    assert AuditEntry.objects.filter(action="notifications.digest.unsubscribe").count() == 1


def test_after_unsubscribing_the_pending_notices_of_that_kind_are_not_emailed(
    client: Client, reader: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = unsubscribe_token(user=reader, kinds=[Kind.MATCH_PROPOSED])
    assert client.post(f"/en/account/notifications/unsubscribe/{token}/").status_code == 200
    services.digest_send(day=TODAY)
    body = str(mail.outbox[0].body)
    assert "PRJ-00003" in body and "REQ-00001" not in body
    assert Notification.objects.filter(recipient=reader).count() == 3  # the inbox keeps all


def test_a_forged_or_mandatory_unsubscribe_link_is_refused(client: Client, reader: Any) -> None:
    token = unsubscribe_token(user=reader, kinds=[Kind.MATCH_PROPOSED])
    assert client.get(f"/en/account/notifications/unsubscribe/{token}x/").status_code == 404
    assert client.post(f"/en/account/notifications/unsubscribe/{token}x/").status_code == 404
    account = unsubscribe_token(user=reader, kinds=[Kind.ROLE_REVOKED])
    assert client.post(f"/en/account/notifications/unsubscribe/{account}/").status_code == 404
    assert Preference.objects.get(user=reader, kind=Kind.MATCH_PROPOSED).delivery == (
        Delivery.DIGEST
    )


def test_a_person_without_an_email_address_gets_no_digest_but_keeps_the_inbox(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = factories.user("no-address")
    person.email = ""
    person.save()
    services.preferences_set(actor=person, choices={Kind.MATCH_PROPOSED: Delivery.DIGEST})
    tell(person, Kind.MATCH_PROPOSED, "REQ-00009", django_capture_on_commit_callbacks)
    assert services.digest_send(day=TODAY) == 0
    assert Notification.objects.filter(recipient=person).count() == 1
