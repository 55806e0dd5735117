"""A contact-check round runs as a background job: launching only records the round and queues
the job; the worker writes the checks and e-mails each contact once, however often it is tried.
Each check has a deadline: acknowledging meets it; the scheduler reminds the State's focal points
before it and tells them when it lapses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.utils import timezone

from equalfooting import permissions
from equalfooting.audit.models import AuditEntry
from equalfooting.contacts import services
from equalfooting.contacts.models import CheckRound, ContactCheck, PointOfContact
from equalfooting.contacts.selectors import WaitingCheck, checks_waiting
from equalfooting.contacts.services import check_round_launch, contact_nominate, contact_verify
from equalfooting.deadlines.models import Deadline
from equalfooting.deadlines.services import deadlines_sweep
from equalfooting.jobs import services as jobs
from equalfooting.jobs.models import Job
from equalfooting.notifications.models import Notification
from equalfooting.registry.models import State
from tests import factories

pytestmark = pytest.mark.django_db
WORKER, SCHEDULER = permissions.SYSTEM_WORKER, permissions.SYSTEM_SCHEDULER
SUBJECT = "please confirm that this contact is current"
DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


@pytest.fixture
def database_backend(settings: Any) -> None:
    """Jobs go to the database queue, as in production, instead of running at once."""
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def contacts(focal_point_ken: Any, state_ken: State, officer: Any) -> list[PointOfContact]:
    """Two verified contacts of Kenya and one of Fiji; one of Kenya awaits verification."""
    fji = State.objects.get(iso3="FJI")
    made = []
    for actor, state, name in (
        (focal_point_ken, state_ken, "Achieng"),
        (focal_point_ken, state_ken, "Otieno"),
        (officer, fji, "Seru"),
    ):
        c = contact_nominate(
            actor=actor, state=state, kind="technical", name=name, email=f"{name.lower()}@ex.org"
        )
        made.append(contact_verify(actor=officer, contact=c))
    contact_nominate(
        actor=focal_point_ken, state=state_ken, kind="diplomatic", name="Kamau", email="k@ex.org"
    )
    return made


def check_mails() -> dict[str, list[str]]:
    """The check links e-mailed so far, by recipient."""
    sent: dict[str, list[str]] = {}
    for m in mail.outbox:
        if SUBJECT in m.subject:
            found = re.search(r"http://testserver(/\S+)", str(m.body))
            assert found, m.body
            sent.setdefault(m.to[0], []).append(found.group(1))
    return sent


def the_round(job: Job) -> CheckRound:
    return CheckRound.objects.get(pk=job.arguments["check_round"])


def deadline_of(check: ContactCheck, **status: Any) -> Deadline:
    return Deadline.objects.get(
        kind=Deadline.Kind.CONTACT_CHECK,
        object_type="contact_check",
        object_id=str(check.pk),
        **status,
    )


def notices(kind: str, user: Any) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, recipient=user))


def test_launching_only_queues_the_job(
    database_backend: None, contacts: list[PointOfContact], officer: Any
) -> None:
    job = check_round_launch(actor=officer, note="Annual check", base_url="http://testserver")
    assert job.status == Job.Status.READY and job.handler == services.CHECK_ROUND_SEND
    assert the_round(job).note == "Annual check"
    assert not ContactCheck.objects.exists() and not check_mails()
    assert AuditEntry.objects.filter(action="contacts.check.launch").count() == 1


def test_the_job_sends_one_email_per_verified_contact_and_opens_its_deadline(
    database_backend: None, contacts: list[PointOfContact], officer: Any
) -> None:
    job = jobs.job_run_now(check_round_launch(actor=officer, base_url="http://testserver"))
    assert job.status == Job.Status.SUCCESSFUL
    assert job.outcome["type"] == "check_round" and job.outcome["id"] == the_round(job).pk
    assert {to: len(links) for to, links in check_mails().items()} == {
        "achieng@ex.org": 1,
        "otieno@ex.org": 1,
        "seru@ex.org": 1,
    }
    for check in ContactCheck.objects.filter(round=the_round(job)):
        assert check.sent_at is not None
        deadline = deadline_of(check, status=Deadline.Status.OPEN)
        assert deadline.due_at == check.sent_at + dt.timedelta(days=14)
        entry = AuditEntry.objects.get(action="contacts.check.send", object_id=str(check.pk))
        assert entry.actor == WORKER
    # The one-time token exists only in the e-mail: the link works, and only its hash is kept.
    link = check_mails()["achieng@ex.org"][0]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert ContactCheck.objects.filter(token_hash=ContactCheck.hash_token(token)).exists()
    assert not ContactCheck.objects.filter(token_hash=token).exists()


def test_running_the_handler_again_sends_nothing_twice(
    database_backend: None, contacts: list[PointOfContact], officer: Any
) -> None:
    job = jobs.job_run_now(check_round_launch(actor=officer, base_url="http://testserver"))
    before = (len(mail.outbox), AuditEntry.objects.count(), Notification.objects.count())
    # A slow first try that comes back after another try finished the job writes nothing.
    with pytest.raises(jobs.JobFinished):
        services.check_round_send(actor=WORKER, job=job, **job.arguments)
    assert (len(mail.outbox), AuditEntry.objects.count(), Notification.objects.count()) == before
    assert ContactCheck.objects.count() == 3


def test_a_worker_killed_mid_round_leaves_each_contact_one_check_and_one_email(
    database_backend: None, contacts: list[PointOfContact], officer: Any
) -> None:
    job = check_round_launch(actor=officer, base_url="http://testserver")
    # A worker takes the job, writes the checks, sends the first one and is killed.
    assert jobs._claim(job_id=str(job.pk), dispatch=job.dispatch, worker_id="killed")
    services._checks_write(actor=WORKER, check_round=the_round(job))
    first = ContactCheck.objects.order_by("pk").first()
    assert first is not None
    with mail.get_connection() as mailer:
        assert services._check_send(
            actor=WORKER, check_id=first.pk, base_url="http://testserver", mailer=mailer
        )
    assert len(check_mails()) == 1
    # Past its lease the job is tried again: the others are sent, the first is not sent again.
    later = timezone.now() + dt.timedelta(seconds=601)
    assert jobs.leases_expire(actor=WORKER, now=later) == 1
    job = jobs.job_run_now(job)
    assert (job.status, job.tries) == (Job.Status.SUCCESSFUL, 2)
    assert sorted(len(links) for links in check_mails().values()) == [1, 1, 1]
    assert ContactCheck.objects.count() == 3 and not ContactCheck.objects.filter(sent_at=None)
    assert AuditEntry.objects.filter(action="contacts.check.write").count() == 1
    assert Deadline.objects.filter(kind=Deadline.Kind.CONTACT_CHECK).count() == 3


def test_a_refused_email_is_sent_on_the_next_try_with_a_new_token(
    database_backend: None,
    contacts: list[PointOfContact],
    officer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    send = EmailBackend.send_messages
    refused: list[str] = []

    def refuse_otieno_once(self: EmailBackend, messages: Any) -> int:
        if messages[0].to == ["otieno@ex.org"] and not refused:
            refused.append(messages[0].body)
            raise OSError("mail server down")
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_otieno_once)
    job = jobs.job_run_now(check_round_launch(actor=officer, base_url="http://testserver"))
    assert job.status == Job.Status.READY and job.tries == 1  # queued again after the error
    otieno = ContactCheck.objects.get(contact__name="Otieno")
    assert otieno.sent_at is None
    assert deadline_of(otieno).status == Deadline.Status.CANCELLED
    job = jobs.job_run_now(job)
    assert job.status == Job.Status.SUCCESSFUL
    assert sorted(len(links) for links in check_mails().values()) == [1, 1, 1]
    # The refused e-mail's link was never valid; the one that left is.
    old_token = re.search(r"/contact-check/([^/\s]+)/", refused[0])
    assert old_token is not None
    assert not ContactCheck.objects.filter(
        token_hash=ContactCheck.hash_token(old_token.group(1))
    ).exists()
    assert Client().post(check_mails()["otieno@ex.org"][0]).status_code == 200
    assert ContactCheck.objects.get(pk=otieno.pk).acknowledged_at is not None


def test_the_launch_view_leads_to_the_job_page(
    database_backend: None, contacts: list[PointOfContact], client: Client, secretariat: Any
) -> None:
    factories.login_with_2fa(client, secretariat)
    response = client.post("/en/contacts/checks/", {"note": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/jobs/{job.pk}/"
    assert "Rounds being sent" in client.get("/en/contacts/checks/").content.decode()
    jobs.job_run_now(job)
    state = client.get(f"/en/jobs/{job.pk}/state/").content.decode()
    assert 'href="/en/contacts/checks/"' in state


def test_the_focal_points_are_told_once_per_state(
    contacts: list[PointOfContact],
    officer: Any,
    focal_point_ken: Any,
    focal_point_fra: Any,
    state_ken: State,
    django_capture_on_commit_callbacks: Any,
) -> None:
    second = factories.focal_point(state_ken, "fp-ken-2")
    with django_capture_on_commit_callbacks(execute=True):
        job = check_round_launch(actor=officer, base_url="http://testserver")
    assert job.status == Job.Status.SUCCESSFUL
    sent_at = ContactCheck.objects.get(contact__name="Otieno").sent_at
    assert sent_at is not None
    due = (sent_at + dt.timedelta(days=14)).date()
    for person in (focal_point_ken, second):
        (notice,) = notices(Notification.Kind.CONTACT_CHECK_WAITING, person)
        assert notice.params == {"contacts": 2, "due": due.isoformat()}
        assert notice.link == "/contacts/" and notice.object_id == str(the_round(job).pk)
    assert not notices(Notification.Kind.CONTACT_CHECK_WAITING, focal_point_fra)
    body = next(m.body for m in mail.outbox if m.to == [focal_point_ken.email])
    written = f"{due.day} {due:%B %Y}"  # the date written out, as the e-mail's language does
    assert "2 points of contact of your State" in body and written in body


def test_acknowledging_meets_the_deadline(contacts: list[PointOfContact], officer: Any) -> None:
    check_round_launch(actor=officer, base_url="http://testserver")
    Client().post(check_mails()["achieng@ex.org"][0])
    check = ContactCheck.objects.get(contact__name="Achieng")
    assert deadline_of(check).status == Deadline.Status.MET
    assert deadline_of(ContactCheck.objects.get(contact__name="Otieno")).is_open


def test_the_focal_points_are_reminded_two_days_before(
    contacts: list[PointOfContact],
    officer: Any,
    focal_point_ken: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    check_round_launch(actor=officer, base_url="http://testserver")
    Client().post(check_mails()["achieng@ex.org"][0])
    otieno = ContactCheck.objects.get(contact__name="Otieno")
    assert otieno.sent_at is not None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = deadlines_sweep(actor=SCHEDULER, now=otieno.sent_at + dt.timedelta(days=12))
    assert result == {"lapses": 0, "reminders": 2}  # Otieno's and Seru's; Achieng answered
    (notice,) = notices(Notification.Kind.DEADLINE_REMINDER, focal_point_ken)
    assert notice.params["reference"] == "Otieno" and notice.params["days"] == 2
    assert notice.params["due"] == (otieno.sent_at + dt.timedelta(days=14)).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert notice.link == "/contacts/"
    (message,) = [m for m in mail.outbox if m.to == [focal_point_ken.email]]
    assert "2 days are left" in message.body and "otieno@ex.org" not in message.body
    # A second pass the same day sends nothing again.
    assert deadlines_sweep(actor=SCHEDULER, now=otieno.sent_at + dt.timedelta(days=12)) == {
        "lapses": 0,
        "reminders": 0,
    }


def test_a_check_not_acknowledged_in_time_lapses(
    contacts: list[PointOfContact], officer: Any, focal_point_ken: Any, client: Client
) -> None:
    check_round_launch(actor=officer, base_url="http://testserver")
    Client().post(check_mails()["achieng@ex.org"][0])
    otieno = ContactCheck.objects.get(contact__name="Otieno")
    assert otieno.sent_at is not None
    later = otieno.sent_at + dt.timedelta(days=14, seconds=1)
    assert deadlines_sweep(actor=SCHEDULER, now=later)["lapses"] == 2  # Otieno and Seru
    otieno.refresh_from_db()
    assert otieno.lapsed_at == later and deadline_of(otieno).status == Deadline.Status.LAPSED
    assert ContactCheck.objects.get(contact__name="Achieng").lapsed_at is None
    entry = AuditEntry.objects.get(action="contacts.check.lapse", object_id=str(otieno.pk))
    assert entry.actor == SCHEDULER
    assert AuditEntry.objects.filter(
        action="deadlines.deadline.lapsed", object_id=str(otieno.pk)
    ).exists()
    (notice,) = notices(Notification.Kind.DEADLINE_LAPSED, focal_point_ken)
    assert notice.params["reference"] == "Otieno"
    assert "did not confirm in time" in notice.params["consequence"]
    # Lapsing twice does nothing; a late answer is still recorded.
    assert deadlines_sweep(actor=SCHEDULER, now=later)["lapses"] == 0
    assert Client().post(check_mails()["otieno@ex.org"][0]).status_code == 200
    otieno.refresh_from_db()
    assert otieno.acknowledged_at is not None and otieno.lapsed_at == later


def test_the_pages_show_what_is_due(
    contacts: list[PointOfContact],
    officer: Any,
    secretariat: Any,
    client: Client,
) -> None:
    check_round_launch(actor=officer, base_url="http://testserver")
    Client().post(check_mails()["achieng@ex.org"][0])
    seru = ContactCheck.objects.get(contact__name="Seru")
    assert seru.sent_at is not None
    due = (seru.sent_at + dt.timedelta(days=14)).strftime("%Y-%m-%d %H:%M")
    deadlines_sweep(actor=SCHEDULER, now=seru.sent_at + dt.timedelta(days=14, seconds=1))
    Client().post(check_mails()["otieno@ex.org"][0])  # Otieno answers late

    factories.login_with_2fa(client, secretariat)
    page = client.get("/en/contacts/checks/").content.decode()
    row = re.search(r"<tr><td>\d+</td><td>[^<]*</td><td>([^<]*)</td>(.*?)</tr>", page, re.S)
    assert row is not None and row.group(1) == due
    cells = re.findall(r"<td>([^<]*)</td>", row.group(2))
    assert cells[0] == "3" and cells[-2:] == ["1", "2"]  # Seru unanswered; Otieno, Seru lapsed
    figures = client.get("/en/contacts/figures/").content.decode()
    assert "Lapsed" not in figures and due not in figures

    # A second round: the directory shows whose confirmation is due.
    check_round_launch(actor=officer, base_url="http://testserver")
    Client().post(check_mails()["achieng@ex.org"][1])
    page = client.get("/en/contacts/").content.decode()
    for name, waiting in (("Achieng", False), ("Otieno", True), ("Seru", True)):
        c = PointOfContact.objects.get(name=name)
        row_html = re.search(rf'<tr id="contact-{c.pk}">.*?</tr>', page, re.S)
        assert row_html is not None
        assert ("Confirmation due by" in row_html.group()) is waiting


def test_checks_waiting_for_a_focal_points_home_page(
    contacts: list[PointOfContact],
    officer: Any,
    state_ken: State,
    django_assert_num_queries: Any,
) -> None:
    check_round_launch(actor=officer, base_url="http://testserver")
    Client().post(check_mails()["achieng@ex.org"][0])
    with django_assert_num_queries(2):
        waiting = checks_waiting(state_ids=[state_ken.pk])
    otieno = ContactCheck.objects.get(contact__name="Otieno")
    assert waiting == [
        WaitingCheck(
            check_id=otieno.pk,
            round_id=otieno.round_id,
            contact_id=otieno.contact_id,
            contact_name="Otieno",
            contact_kind=PointOfContact.Kind.TECHNICAL,
            state_id=state_ken.pk,
            sent_at=otieno.sent_at,  # type: ignore[arg-type]
            due_at=deadline_of(otieno).due_at,
        )
    ]
    assert checks_waiting(state_ids=[]) == []
    assert otieno.sent_at is not None
    deadlines_sweep(actor=SCHEDULER, now=otieno.sent_at + dt.timedelta(days=15))
    assert checks_waiting(state_ids=[state_ken.pk]) == []
