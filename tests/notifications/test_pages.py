"""The inbox, the unread count in the header, the e-mail choices and the language page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from equalfooting.audit.models import AuditEntry
from equalfooting.notifications import services
from equalfooting.notifications.models import Notification, Preference
from equalfooting.notifications.views import PER_PAGE
from tests import factories

pytestmark = pytest.mark.django_db

Kind, Delivery = Notification.Kind, Notification.Delivery


def tell(person: Any, n: int) -> None:
    for i in range(n):
        services.notify(
            kind=Kind.REVIEW_ASSIGNED,
            recipients=[person],
            about=i,
            context={"proposal": f"FP-{i:05d}"},
            link=f"/en/fund/reviews/{i}/",
        )


@pytest.fixture
def reader(client: Client) -> Any:
    person = factories.user("reader")
    client.force_login(person)
    return person


def test_the_inbox_lists_newest_first_marks_unread_and_pages(client: Client, reader: Any) -> None:
    tell(reader, PER_PAGE + 2)
    tell(factories.user("someone-else"), 1)
    page = client.get("/en/account/notifications/").content.decode()
    newest, oldest = f"FP-{PER_PAGE + 1:05d}", "FP-00000"
    assert newest in page and oldest not in page
    assert page.count('class="unread"') == PER_PAGE
    # The link opens the object in the reader's language.
    assert f'href="/en/fund/reviews/{PER_PAGE + 1}/"' in page
    second = client.get("/en/account/notifications/?page=2").content.decode()
    assert oldest in second and newest not in second
    french = client.get("/fr/account/notifications/").content.decode()
    assert f'href="/fr/fund/reviews/{PER_PAGE + 1}/"' in french


def test_the_header_shows_the_unread_count_with_one_query(client: Client, reader: Any) -> None:
    tell(reader, 3)
    page = client.get("/en/").content.decode()
    assert "Inbox (3)" in page and 'aria-label="Inbox, 3 unread"' in page
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/")
    counting = [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1


def test_mark_one_read_then_all_read(client: Client, reader: Any) -> None:
    tell(reader, 3)
    first = Notification.objects.filter(recipient=reader).order_by("pk").first()
    assert first is not None
    assert client.get(f"/en/account/notifications/{first.pk}/read/").status_code == 405
    response = client.post(f"/en/account/notifications/{first.pk}/read/", {"page": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?page=1")
    assert Notification.objects.filter(recipient=reader, read_at__isnull=True).count() == 2
    client.post("/en/account/notifications/read/")
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    assert "Inbox (" not in client.get("/en/").content.decode()


def test_another_persons_notice_is_not_found(client: Client, reader: Any) -> None:
    other = factories.user("other")
    tell(other, 1)
    notice = Notification.objects.get(recipient=other)
    assert client.post(f"/en/account/notifications/{notice.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=notice.pk).read_at is None


def test_signing_in_is_needed_for_the_inbox_and_the_choices() -> None:
    anonymous = Client()
    for path in ("/en/account/notifications/", "/en/account/notifications/preferences/"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_the_choices_page_saves_and_says_account_notices_cannot_be_turned_off(
    client: Client, reader: Any
) -> None:
    page = client.get("/en/account/notifications/preferences/").content.decode()
    assert "Security and account notices cannot be turned off." in page
    assert f'name="{Kind.ROLE_VERIFIED}"' in page and "disabled" in page
    form = {kind: Delivery.AT_ONCE for kind in Kind.values}
    form[Kind.MATCH_PROPOSED] = Delivery.DIGEST
    form[Kind.ROLE_VERIFIED] = Delivery.OFF  # a disabled field: the posted value is ignored
    response = client.post("/en/account/notifications/preferences/", form)
    assert response.status_code == 302
    chosen = dict(Preference.objects.filter(user=reader).values_list("kind", "delivery"))
    assert chosen[Kind.MATCH_PROPOSED] == Delivery.DIGEST
    assert Kind.ROLE_VERIFIED not in chosen
    assert AuditEntry.objects.filter(action="notifications.preferences.set").count() == 1
    bad = client.post("/en/account/notifications/preferences/", {**form, Kind.REQUEST_CLOSED: "x"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()


def test_the_language_page_sets_the_language_of_emails(client: Client, reader: Any) -> None:
    page = client.get("/en/account/language/").content.decode()
    assert 'name="language"' in page
    response = client.post("/en/account/language/", {"language": "ar"})
    assert response.status_code == 302 and response["Location"] == "/ar/account/language/"
    reader.refresh_from_db()
    assert reader.language == "ar"
    assert AuditEntry.objects.filter(action="accounts.user.language").count() == 1
    bad = client.post("/en/account/language/", {"language": "de"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()
    reader.refresh_from_db()
    assert reader.language == "ar"
