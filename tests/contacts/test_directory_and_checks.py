from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from equalfooting.audit.models import AuditEntry
from equalfooting.contacts.models import ContactCheck, PointOfContact
from equalfooting.contacts.selectors import public_figures
from equalfooting.contacts.services import check_round_launch, contact_nominate, contact_verify
from equalfooting.registry.models import State

pytestmark = pytest.mark.django_db


def link_in(body: str) -> str:
    found = re.search(r"http://testserver(/\S+)", body)
    assert found, body
    return found.group(1)


def check_mails() -> list[Any]:
    """The contact-check e-mails sent so far (the focal points' notices left out)."""
    return [m for m in mail.outbox if "please confirm that this contact is current" in m.subject]


def contact(actor: Any, state: Any, name: str, kind: str = "technical") -> PointOfContact:
    return contact_nominate(
        actor=actor, state=state, kind=kind, name=name, email=f"{name.lower()}@example.org"
    )


def test_nomination_then_verification(focal_point_ken: Any, state_ken: Any, officer: Any) -> None:
    c = contact(focal_point_ken, state_ken, "Wanjiru")
    assert c.status == "nominated"
    contact_verify(actor=officer, contact=c)
    assert PointOfContact.objects.get(pk=c.pk).status == "verified"
    with pytest.raises(PermissionDenied):
        contact_verify(actor=focal_point_ken, contact=c)


def test_a_focal_point_cannot_nominate_for_another_state(
    focal_point_fra: Any, state_ken: Any
) -> None:
    with pytest.raises(PermissionDenied):
        contact(focal_point_fra, state_ken, "Intruder")


def test_bad_contact_input_names_the_field(focal_point_ken: Any, state_ken: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_nominate(
            actor=focal_point_ken, state=state_ken, kind="spy", name="", email="not-an-address"
        )
    assert set(caught.value.message_dict) == {"kind", "name", "email"}
    assert not PointOfContact.objects.exists()


def test_the_directory_is_for_verified_contacts_and_the_secretariat(
    client: Client, focal_point_ken: Any, state_ken: Any, officer: Any
) -> None:
    c = contact(focal_point_ken, state_ken, "Wanjiru")
    contact_verify(actor=officer, contact=c)
    assert client.get("/en/contacts/").status_code == 403
    assert "wanjiru@example.org" not in client.get("/en/contacts/figures/").content.decode()
    client.force_login(focal_point_ken)
    assert "wanjiru@example.org" in client.get("/en/contacts/").content.decode()
    assert client.get("/api/v1/contacts").status_code == 200


def test_a_check_round_with_three_contacts_two_acknowledging(
    client: Client,
    focal_point_ken: Any,
    state_ken: Any,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fji = State.objects.get(iso3="FJI")
    contacts = [
        contact(focal_point_ken, state_ken, "Achieng"),
        contact(focal_point_ken, state_ken, "Otieno"),
        contact(officer, fji, "Seru"),
    ]
    for c in contacts:
        contact_verify(actor=officer, contact=c)
    with django_capture_on_commit_callbacks(execute=True):
        job = check_round_launch(actor=officer, base_url="http://testserver")
    check_round = job.arguments["check_round"]
    assert len(check_mails()) == 3
    links = {m.to[0]: link_in(str(m.body)) for m in check_mails()}

    # Achieng answers at once, Otieno after two days; Seru never does.
    assert client.post(links["achieng@example.org"]).status_code == 200
    assert client.post(links["otieno@example.org"]).status_code == 200
    late = ContactCheck.objects.get(round=check_round, contact=contacts[1])
    assert late.sent_at is not None
    late.acknowledged_at = late.sent_at + dt.timedelta(hours=48)
    late.save()

    figures = public_figures()
    latest = figures["rounds"][0]  # type: ignore[index]
    assert (latest.contacts, latest.answered, latest.within_24h, latest.within_72h) == (3, 2, 1, 2)
    assert (latest.share_24h, latest.share_72h) == (33.3, 66.7)
    assert figures["states_nominated"] == 2 and figures["states_verified"] == 2
    page = client.get("/en/contacts/figures/").content.decode()
    assert "33.3 %" in page and "66.7 %" in page
    assert "Achieng" not in page and "achieng@example.org" not in page


def test_the_link_works_once(
    client: Client,
    focal_point_ken: Any,
    state_ken: Any,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    contact_verify(actor=officer, contact=contact(focal_point_ken, state_ken, "Achieng"))
    with django_capture_on_commit_callbacks(execute=True):
        check_round_launch(actor=officer, base_url="http://testserver")
    (message,) = check_mails()
    link = link_in(str(message.body))
    assert client.get(link).status_code == 200  # asking does not acknowledge
    assert ContactCheck.objects.get().acknowledged_at is None
    client.post(link)
    first = ContactCheck.objects.get().acknowledged_at
    before = AuditEntry.objects.count()
    second = client.post(link)
    assert "only once" in second.content.decode()
    assert (
        ContactCheck.objects.get().acknowledged_at == first and AuditEntry.objects.count() == before
    )
    assert client.get("/en/contact-check/not-a-token/").status_code == 404


def test_no_round_without_verified_contacts(officer: Any) -> None:
    with pytest.raises(ValidationError):
        check_round_launch(actor=officer)


@pytest.mark.parametrize("lang", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_message_templates_in_each_language(
    client: Client, focal_point_ken: Any, lang: str
) -> None:
    client.force_login(focal_point_ken)
    response = client.get("/en/contacts/templates/", {"in": lang})
    with translation.override(lang):
        subject = translation.gettext(
            "Request for assistance under the capacity-building mechanism"
        )
    assert response.status_code == 200 and escape(subject) in response.content.decode()
    assert len(response.context["messages_rendered"]) == 3
    if lang != "en":
        assert subject != "Request for assistance under the capacity-building mechanism"


def test_response_hours_are_measured_from_sending() -> None:
    sent = timezone.now()
    check = ContactCheck(sent_at=sent, acknowledged_at=None)
    assert check.response_hours is None
    check.acknowledged_at = sent + dt.timedelta(hours=5)
    assert check.response_hours == 5
    assert ContactCheck(sent_at=None, acknowledged_at=sent).response_hours is None
