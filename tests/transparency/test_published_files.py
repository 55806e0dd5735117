"""Published files (annual report PDF, IATI files, mirror bundle): prepared by a job, served from
disk. The first reader gets a 503 page while the job runs; later readers get the stored version,
even once the data has moved on (one refresh is queued, never two); a try that fails leaves the
previous version and its row as they were; the Secretariat may ask for a file now."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from lxml import etree

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.models import Installation
from equalfooting.jobs import services as jobs
from equalfooting.jobs.models import Job
from equalfooting.transparency import iati, mirror, published
from equalfooting.transparency.models import PublishedFile
from tests import factories

pytestmark = pytest.mark.django_db
ACTIVITIES = "/en/open-data/iati/activities.xml"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)", re.I)
DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


@pytest.fixture(autouse=True)
def home(settings: Any, tmp_path: Path) -> Path:
    """Each test keeps its published files in a folder of its own."""
    settings.EF_FILES_DIR = tmp_path
    return tmp_path


@pytest.fixture
def database_backend(settings: Any) -> None:
    """Jobs wait in the database queue, as in production, instead of running at once."""
    settings.TASKS = DATABASE_BACKEND


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def file_jobs(work: Any) -> list[Job]:
    return list(Job.objects.filter(handler=jobs.handler_path(work)).order_by("created_at"))


def change_the_data() -> None:
    with transaction.atomic():
        audit_append(
            actor="system:test", action="test.change", object_type="t", object_id="1", state={}
        )


def test_the_first_reader_waits_then_gets_the_file(client: Client, home: Path) -> None:
    first = client.get(ACTIVITIES)
    assert first.status_code == 503 and first["Retry-After"] == "30"
    page = first.content.decode()
    assert "This file is being prepared; try again in a minute." in page
    assert '<meta http-equiv="refresh" content="30">' in page
    assert not INLINE_SCRIPT.search(page)
    # The job was queued, and ran at once (the tests' backend), as system:worker.
    (job,) = file_jobs(published.iati_file_prepare)
    assert job.status == Job.Status.SUCCESSFUL and job.arguments == {"name": "activities"}
    assert job.requested_by_label == "system:scheduler"

    second = client.get(ACTIVITIES)
    assert second.status_code == 200
    assert second["Content-Type"] == "application/xml; charset=utf-8"
    assert 'filename="equalfooting-iati-activities.xml"' in second["Content-Disposition"]
    data = body(second)
    assert etree.fromstring(data).tag == "iati-activities"
    row = PublishedFile.objects.get(name="iati-activities.xml")
    assert row.sha256 == hashlib.sha256(data).hexdigest() and row.size == len(data)
    assert (home / row.path).read_bytes() == data and row.path.startswith("published-files/")
    job.refresh_from_db()
    assert job.outcome["name"] == "iati-activities.xml" and job.outcome["view"] == "exports"
    # Conditional requests: the ETag is the file's SHA-256; nothing new is queued.
    assert second["ETag"] == f'"{row.sha256}"' and second["Last-Modified"]
    again = client.get(ACTIVITIES, headers={"if-none-match": second["ETag"]})
    assert again.status_code == 304
    assert len(file_jobs(published.iati_file_prepare)) == 1


def test_the_annual_report_pdf_is_prepared_in_the_readers_language(
    client: Client, needs_pdf: Callable[[str], None]
) -> None:
    needs_pdf("ar")
    needs_pdf("fr")
    year = timezone.now().year
    url = f"/ar/reports/annual/{year}/report.pdf"
    waiting = client.get(url)
    assert waiting.status_code == 503 and 'dir="rtl"' in waiting.content.decode()
    ready = client.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert body(ready).startswith(b"%PDF")
    row = PublishedFile.objects.get()
    assert (row.name, row.language) == (f"annual-report-{year}-ar.pdf", "ar")
    # Another language is another file.
    assert client.get(f"/fr/reports/annual/{year}/report.pdf").status_code == 503
    assert PublishedFile.objects.count() == 2


def test_a_language_without_its_font_is_refused_and_the_others_are_made(
    database_backend: None,
    client: Client,
    secretariat: Any,
    without_font: Callable[[str], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No font covers Chinese here: its PDF is refused, naming the package, before any job is
    queued (no reader waits for a file that cannot come); the other languages are prepared."""
    without_font("zh-cn")
    year = timezone.now().year
    with caplog.at_level(logging.WARNING, logger="equalfooting.transparency.published"):
        refused = client.get(f"/zh-hans/reports/annual/{year}/report.pdf")
    assert refused.status_code == 503
    page = refused.content.decode()
    assert "fonts-noto-cjk" in page and 'lang="zh-hans"' in page
    assert f"annual-report-{year}-zh-hans.pdf skipped" in caplog.text
    assert "fonts-noto-cjk" in caplog.text
    assert not Job.objects.exists()
    assert client.get(f"/en/reports/annual/{year}/report.pdf").status_code == 503  # preparing
    (job,) = file_jobs(published.annual_report_prepare)
    assert job.arguments == {"year": year, "language": "en"}

    # The open-data page says why, where "as of" would be; asking for it now is refused too.
    factories.login_with_2fa(client, secretariat)
    listing = client.get("/en/open-data/").content.decode()
    assert "A PDF in Simplified Chinese cannot be made on this server" in listing
    name = f"annual-report-{year}-zh-hans.pdf"
    asked = client.post("/en/open-data/", {"name": name})
    assert asked.status_code == 503 and "fonts-noto-cjk" in asked.content.decode()
    assert Job.objects.count() == 1

    # A job queued before the font went away fails once, with the reason, and is not retried.
    queued = jobs.job_enqueue(
        actor=secretariat,
        work=published.annual_report_prepare,
        arguments={"year": year, "language": "zh-hans"},
    )
    failed = jobs.job_run_now(queued)
    assert failed.status == Job.Status.FAILED and failed.tries == 1
    assert "fonts-noto-cjk" in failed.reason
    assert not PublishedFile.objects.filter(name=name).exists()


def test_a_version_made_before_the_font_went_away_is_still_served(
    client: Client, without_font: Callable[[str], None]
) -> None:
    year = timezone.now().year
    spec = published.annual_report_spec(year, "zh-hans")

    def made_before(path: Path) -> None:
        path.write_bytes(b"%PDF-")

    published.file_prepare_here(actor=permissions.SYSTEM_WORKER, spec=spec, write=made_before)
    without_font("zh-cn")
    change_the_data()
    served = client.get(f"/zh-hans/reports/annual/{year}/report.pdf")
    assert served.status_code == 200 and body(served) == b"%PDF-"
    assert not Job.objects.exists()  # a refresh could only fail


def test_a_year_without_a_report_or_an_unknown_file_is_a_404(client: Client) -> None:
    next_year = timezone.now().year + 1
    assert client.get(f"/en/reports/annual/{next_year}/report.pdf").status_code == 404
    assert client.get("/en/reports/annual/1999/report.pdf").status_code == 404
    assert client.get("/en/open-data/iati/secrets.xml").status_code == 404
    assert not Job.objects.exists()


def test_after_a_change_readers_get_the_old_file_and_one_refresh_is_queued(
    database_backend: None, client: Client
) -> None:
    assert client.get(ACTIVITIES).status_code == 503
    assert client.get(ACTIVITIES).status_code == 503  # still preparing: no second job
    (job,) = file_jobs(published.iati_file_prepare)
    assert jobs.job_run_now(job).status == Job.Status.SUCCESSFUL
    old = PublishedFile.objects.get()
    served = client.get(ACTIVITIES)
    assert served.status_code == 200 and served["ETag"] == f'"{old.sha256}"'
    # The job's own audit entries are not a change of the data: nothing is queued.
    assert len(file_jobs(published.iati_file_prepare)) == 1

    change_the_data()
    for _reader in range(3):
        stale = client.get(ACTIVITIES)
        assert stale.status_code == 200 and stale["ETag"] == f'"{old.sha256}"'
        assert hashlib.sha256(body(stale)).hexdigest() == old.sha256
    _first, refresh = file_jobs(published.iati_file_prepare)
    assert refresh.status == Job.Status.READY

    assert jobs.job_run_now(refresh).status == Job.Status.SUCCESSFUL
    new = PublishedFile.objects.get()
    assert new.audit_seq > old.audit_seq and new.path != old.path
    fresh = client.get(ACTIVITIES)
    assert fresh["ETag"] == f'"{new.sha256}"'
    assert hashlib.sha256(body(fresh)).hexdigest() == new.sha256
    assert len(file_jobs(published.iati_file_prepare)) == 2


def test_a_try_whose_write_fails_leaves_the_old_file_and_row(
    client: Client, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(ACTIVITIES)
    old = PublishedFile.objects.get()
    old_bytes = (home / old.path).read_bytes()
    folder = home / "published-files" / "iati-activities"
    change_the_data()

    # The row cannot be written, after the new file was renamed into place.
    def row_refused(**_kwargs: Any) -> Any:
        raise OSError("the database went away")

    monkeypatch.setattr(PublishedFile.objects, "update_or_create", row_refused)
    assert client.get(ACTIVITIES).status_code == 200
    monkeypatch.undo()
    refresh = file_jobs(published.iati_file_prepare)[-1]
    assert refresh.status == Job.Status.FAILED and refresh.tries == 3
    assert PublishedFile.objects.get() == old
    row = PublishedFile.objects.get()
    assert (row.path, row.sha256, row.audit_seq) == (old.path, old.sha256, old.audit_seq)
    assert (home / old.path).read_bytes() == old_bytes
    assert [p.name for p in folder.iterdir()] == [Path(old.path).name]

    # The maker stops half-way (a full disk): nothing half-written is left or served.
    def half_written(path: Path) -> int:
        path.write_bytes(b"<?xml version='1.0'?><iati-act")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(iati, "write_activities", half_written)
    job = published.file_prepare_request(
        actor=factories.officer("officer-1"), spec=published.iati_spec("activities")
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert [p.name for p in folder.iterdir()] == [Path(old.path).name]
    served = client.get(ACTIVITIES)
    assert served.status_code == 200 and body(served) == old_bytes
    # A file whose job failed a moment ago is not queued again by every reader.
    count = Job.objects.count()
    client.get(ACTIVITIES)
    assert Job.objects.count() == count


def test_the_secretariat_asks_for_a_file_now(
    database_backend: None, client: Client, secretariat: Any, focal_point_ken: Any
) -> None:
    assert "Prepare now" not in client.get("/en/open-data/").content.decode()
    assert client.post("/en/open-data/", {"name": "iati-organisation.xml"}).status_code == 403
    client.force_login(focal_point_ken)
    assert "Prepare now" not in client.get("/en/open-data/").content.decode()
    assert client.post("/en/open-data/", {"name": "iati-organisation.xml"}).status_code == 403
    assert not Job.objects.exists()

    client.logout()
    factories.login_with_2fa(client, secretariat)
    page = client.get("/en/open-data/").content.decode()
    assert "Prepare now" in page and 'value="iati-organisation.xml"' in page
    assert "Not prepared yet" in page
    response = client.post("/en/open-data/", {"name": "iati-organisation.xml"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/jobs/{job.pk}/"
    assert job.requested_by == secretariat and job.title == "Preparing an IATI file"
    # Asked twice: the job already queued is the answer.
    again = client.post("/en/open-data/", {"name": "iati-organisation.xml"})
    assert again["Location"] == f"/en/jobs/{job.pk}/" and Job.objects.count() == 1
    assert "Being prepared" in client.get("/en/open-data/").content.decode()
    assert client.post("/en/open-data/", {"name": "../../etc/passwd"}).status_code == 404

    jobs.job_run_now(job)
    row = PublishedFile.objects.get(name="iati-organisation.xml")
    page = client.get("/en/open-data/").content.decode()
    assert f"(audit entry {row.audit_seq})" in page
    state = client.get(f"/en/jobs/{job.pk}/state/").content.decode()
    assert 'href="/en/open-data/"' in state


def test_the_mirror_bundle_is_prepared_from_the_mirror_page(
    client: Client, secretariat: Any
) -> None:
    factories.login_with_2fa(client, secretariat)
    page = client.get("/en/mirror/").content.decode()
    assert 'value="mirror-bundle.tar"' in page and "/en/open-data/mirror-bundle.tar" in page
    response = client.post("/en/mirror/", {"name": "mirror-bundle.tar"})
    job = Job.objects.get(handler=jobs.handler_path(published.mirror_bundle_prepare))
    assert response["Location"] == f"/en/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCESSFUL
    served = client.get("/en/open-data/mirror-bundle.tar")
    assert served.status_code == 200 and served["Content-Type"] == "application/x-tar"
    bundle = Path(published.file_path(PublishedFile.objects.get(name="mirror-bundle.tar")))
    verified = mirror.verify_bundle(bundle)
    row = PublishedFile.objects.get(name="mirror-bundle.tar")
    assert (verified.manifest["audit_entries"], verified.manifest["audit_head"]) == (
        row.audit_seq,
        row.audit_hash,
    )
    assert body(served) == bundle.read_bytes()


def test_a_mirror_makes_a_missing_file_once_without_a_job(client: Client) -> None:
    Installation.objects.update_or_create(
        pk=1,
        defaults={
            "mirror_of": "A" * 43 + "=",
            "mirror_head": "0" * 64,
            "mirror_created_at": "2026-01-01",
        },
    )
    first = client.get(ACTIVITIES)
    assert first.status_code == 200 and etree.fromstring(body(first)).tag == "iati-activities"
    assert client.get(ACTIVITIES)["ETag"] == first["ETag"]
    assert PublishedFile.objects.count() == 1 and not Job.objects.exists()
    # A mirror's bundle would not be signed by the source: it offers none.
    assert client.get("/en/open-data/mirror-bundle.tar").status_code == 404
    assert "mirror-bundle.tar" not in client.get("/en/mirror/").content.decode()


def test_the_lists_that_grow_with_every_change_are_served_as_files(
    client: Client, database_backend: None, officer: Any
) -> None:
    """The ledger and the audit chain as open data: made by a worker, in each format and
    language, once a reader asks after a change; the others still stream as they are read."""
    from django.http import FileResponse

    from equalfooting.transparency import exports

    first = client.get("/en/open-data/ledger.csv", {"lang": "fr"})
    assert first.status_code == 503 and first["Retry-After"]
    (job,) = file_jobs(published.dataset_file_prepare)
    assert job.arguments == {"dataset": "ledger", "fmt": "csv", "language": "fr"}
    assert client.get("/en/open-data/ledger.csv", {"lang": "fr"}).status_code == 503
    assert len(file_jobs(published.dataset_file_prepare)) == 1  # one job, however many ask
    jobs.job_run_now(job)
    made = client.get("/en/open-data/ledger.csv", {"lang": "fr"})
    assert isinstance(made, FileResponse)
    assert made["Content-Disposition"].endswith('filename="equalfooting-ledger-fr.csv"')
    expected = b"".join(exports.chunks(exports.DATASETS["ledger"], "csv", "fr"))
    assert body(made) == expected
    assert made["ETag"] == f'"{hashlib.sha256(expected).hexdigest()}"'

    factories.contribution_received(officer, amount="10.00")  # the ledger moves
    stale = client.get("/en/open-data/ledger.csv", {"lang": "fr"})
    assert body(stale) == expected  # the version made before, while the next is made
    (refresh,) = [j for j in file_jobs(published.dataset_file_prepare) if j.pk != job.pk]
    jobs.job_run_now(refresh)
    fresh = body(client.get("/en/open-data/ledger.csv", {"lang": "fr"}))
    assert fresh == b"".join(exports.chunks(exports.DATASETS["ledger"], "csv", "fr"))
    assert fresh != expected

    streamed = client.get("/en/open-data/requests.csv")
    assert streamed.status_code == 200 and not isinstance(streamed, FileResponse)


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_each_open_data_file_has_its_own_name_and_folder(language: str, fmt: str) -> None:
    spec = published.dataset_spec("audit", fmt, language)
    assert published.spec_named(spec.name) == spec
    others = {
        published.dataset_spec("audit", other, language).folder
        for other in ("csv", "xlsx", "json")
        if other != fmt
    }
    assert spec.folder not in others  # a format's sweep never removes another's file
