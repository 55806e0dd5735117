"""Published files: the slow public files, prepared by a background job and served from disk.

The annual report PDF (one per year and language), the two IATI files and the mirror bundle
take seconds to minutes to make, so no web request makes them. A job's handler (one per kind,
acting as `system:worker`) makes the file outside any transaction, into a temporary file in
the folder where it will live, then, in the job's one transaction (`job_writes`), renames it
to a name of its own (`os.replace`, atomic) and points the file's `PublishedFile` row at it.
A worker killed at any moment therefore leaves the previous version served, whole; what it
left behind (a temporary file, a renamed file no row names) is swept by the next preparation.

A row records the head of the audit chain the file was made from: the data's version. Every
change of state appends to the chain, so a file is out of date once an entry other than a
job's own bookkeeping (`jobs.job.*`) follows that head. Readers are still served the stored
version, and one refresh is queued (never two for the same file); the page listing the files
says each one's "as of". The Secretariat may ask for a file to be prepared now.

A file this server cannot make (the annual report in a language whose script no installed font
covers) is refused before any job is queued, with the package to install and a log line; the
other files, the other languages among them, are made as usual.

A read-only mirror runs no jobs (its chain is closed and its data never changes after the
import): it makes a missing file once, in the request that first asks for it, and keeps it.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from equalfooting import permissions
from equalfooting.audit.models import AuditEntry, AuditHead
from equalfooting.audit.selectors import audit_head
from equalfooting.core.errors import NotFound, Unavailable
from equalfooting.core.models import is_mirror
from equalfooting.jobs.models import Job
from equalfooting.jobs.services import handler as job_handler
from equalfooting.jobs.services import handler_path, job_enqueue, job_writes

from . import exports, fonts, iati, mirror, report
from .models import PublishedFile

logger = logging.getLogger(__name__)

# Under EF_FILES_DIR (EF_HOME unless set): one folder per file, holding its current version
# (and, briefly, the next).
FOLDER = "published-files"
# The annual reports a reader may ask for: from this year to the current one.
FIRST_REPORT_YEAR = 2000
IATI_NAMES = ("activities", "organisation")
MIRROR_BUNDLE = "mirror-bundle.tar"
# The open-data lists that grow with every change (a million ledger postings, a million audit
# entries after some years) take a minute to write: a worker makes each, in each format and
# language, once its data have changed and a reader asks for it, and readers get it as a file.
# The other lists stream as they are read.
FILE_DATASETS = ("audit", "ledger")
DATASET_FILE = "open-data-"
# A job's own entries in the audit chain (queued, started, done...) change no public data.
BOOKKEEPING = "jobs.job."
# Leftovers older than this (a killed worker's temporary file) are swept; younger ones may be
# another worker's file in the making.
SWEEP_AFTER = timedelta(hours=1)

# Writes the file at the path; returns the audit head it holds, if it knows it better than
# the head read before it began.
Writer = Callable[[Path], tuple[int, str] | None]


@dataclass(frozen=True)
class Spec:
    """One public file: its name, how it is made (a job handler and its arguments), how it is
    served."""

    name: str
    language: str
    work: Callable[..., None] = field(compare=False)
    arguments: dict[str, Any] = field(compare=False)
    content_type: str
    download_name: str
    # The page that lists the file, as a URL name (a job's "See the result" link).
    listed_on: str
    # Why this server cannot make the file (a PDF's font is not installed), or None. Asked
    # before a job is queued, so that no reader waits for a file that cannot come.
    cannot_make: Callable[[], str | None] = field(default=lambda: None, compare=False)

    @property
    def handler(self) -> str:
        return handler_path(self.work)

    @property
    def folder(self) -> Path:
        return Path(FOLDER) / self.name.rsplit(".", 1)[0]

    @property
    def suffix(self) -> str:
        return "." + self.name.rsplit(".", 1)[1]


def report_years() -> range:
    """The years with an annual report: from the installation's first recorded change (the
    year its data begin) to this year. Before it there is nothing to report; after it, no
    year has happened yet."""
    first = AuditEntry.objects.order_by("seq").values_list("at", flat=True).first()
    start = int(first[:4]) if first else timezone.now().year
    return range(max(start, FIRST_REPORT_YEAR), timezone.now().year + 1)


def annual_report_spec(year: int, language: str) -> Spec:
    if year not in report_years():
        raise NotFound(_("There is no annual report for this year."))
    if language not in settings.LANGUAGE_CODES:
        raise NotFound(_("No such file."))
    return Spec(
        name=f"annual-report-{year}-{language}.pdf",
        language=language,
        work=annual_report_prepare,
        arguments={"year": year, "language": language},
        content_type="application/pdf",
        download_name=f"equalfooting-annual-report-{year}-{language}.pdf",
        listed_on="exports",
        cannot_make=functools.partial(fonts.font_missing, language),
    )


def iati_spec(name: str) -> Spec:
    if name not in IATI_NAMES:
        raise NotFound(_("No such dataset or format."))
    return Spec(
        name=f"iati-{name}.xml",
        language="",
        work=iati_file_prepare,
        arguments={"name": name},
        content_type="application/xml; charset=utf-8",
        download_name=f"equalfooting-iati-{name}.xml",
        listed_on="exports",
    )


def mirror_bundle_spec() -> Spec:
    if is_mirror():
        # A mirror's bundle would be signed with a key of its own, not the source's.
        raise NotFound(_("A mirror makes no bundle: take it from the installation it mirrors."))
    return Spec(
        name=MIRROR_BUNDLE,
        language="",
        work=mirror_bundle_prepare,
        arguments={},
        content_type="application/x-tar",
        download_name="equalfooting-mirror-bundle.tar",
        listed_on="mirror_info",
    )


def dataset_spec(dataset: str, fmt: str, language: str) -> Spec:
    """An open-data list of FILE_DATASETS, in one format and language, as a published file."""
    if dataset not in FILE_DATASETS or fmt not in exports.FORMATS:
        raise NotFound(_("No such dataset or format."))
    if language not in settings.LANGUAGE_CODES:
        raise NotFound(_("No such file."))
    return Spec(
        # The format in the name's stem too: each file has a folder of its own (Spec.folder).
        name=f"{DATASET_FILE}{dataset}-{fmt}-{language}.{fmt}",
        language=language,
        work=dataset_file_prepare,
        arguments={"dataset": dataset, "fmt": fmt, "language": language},
        content_type=exports.CONTENT_TYPES[fmt],
        download_name=f"equalfooting-{dataset}-{language}.{fmt}",
        listed_on="exports",
    )


def spec_named(name: str) -> Spec:
    """The file a name stands for (as the pages post it); NotFound for any other name."""
    if name == MIRROR_BUNDLE:
        return mirror_bundle_spec()
    if name.startswith(DATASET_FILE) and "." in name:
        stem, _dot, fmt = name[len(DATASET_FILE) :].rpartition(".")
        dataset, _dash, rest = stem.partition("-")
        named_format, _dash, language = rest.partition("-")
        if named_format == fmt:
            return dataset_spec(dataset, fmt, language)
    if name.startswith("iati-") and name.endswith(".xml"):
        return iati_spec(name[len("iati-") : -len(".xml")])
    if name.startswith("annual-report-") and name.endswith(".pdf"):
        year, _dash, language = name[len("annual-report-") : -len(".pdf")].partition("-")
        if year.isascii() and year.isdigit():
            return annual_report_spec(int(year), language)
    raise NotFound(_("No such file."))


def specs_listed() -> list[Spec]:
    """The files on the open-data page: the IATI files, this year's annual report in every
    language, and every other annual report prepared so far (the latest year first)."""
    this_year = timezone.now().year
    specs = [iati_spec(name) for name in IATI_NAMES]
    specs += [annual_report_spec(this_year, code) for code in settings.LANGUAGE_CODES]
    known = {spec.name for spec in specs}
    others = []
    for name in PublishedFile.objects.filter(name__startswith="annual-report-").values_list(
        "name", flat=True
    ):
        if name not in known:
            try:
                others.append(spec_named(name))
            except NotFound:
                continue  # a year or language no longer offered
    others.sort(key=lambda spec: (-int(spec.arguments["year"]), spec.name))
    return specs + others


# --- Reads ---------------------------------------------------------------------------------


def file_current(name: str) -> PublishedFile | None:
    return PublishedFile.objects.filter(name=name).first()


def file_path(row: PublishedFile) -> Path:
    return settings.EF_FILES_DIR / row.path


def file_is_stale(row: PublishedFile) -> bool:
    """Whether the data has changed since the file was made: an audit entry past its head that
    is not a job's bookkeeping. (The entry's sequence number is indexed: a short range scan.)"""
    return (
        AuditEntry.objects.filter(seq__gt=row.audit_seq)
        .exclude(action__startswith=BOOKKEEPING)
        .exists()
    )


def _jobs_of(spec: Spec) -> QuerySet[Job]:
    """The jobs that prepare this file, the latest first (its arguments matched in the
    database: a handler's arguments always have the same keys)."""
    return Job.objects.filter(
        handler=spec.handler,
        **{f"arguments__{key}": value for key, value in spec.arguments.items()},
    ).order_by("-created_at")


def file_job_pending(spec: Spec) -> Job | None:
    """The job queued or running to prepare this file, if there is one."""
    return _jobs_of(spec).filter(status__in=[Job.Status.READY, Job.Status.RUNNING]).first()


def _failed_lately(spec: Spec) -> bool:
    """Its last job failed within a lease's time: readers do not queue it again and again (the
    Secretariat sees the failure on the jobs page and may try it again)."""
    last = _jobs_of(spec).first()
    since = timezone.now() - timedelta(seconds=settings.EF_JOB_LEASE)
    return (
        last is not None
        and last.status == Job.Status.FAILED
        and last.finished_at is not None
        and last.finished_at >= since
    )


def files_pending(specs: list[Spec]) -> set[str]:
    """Which of these files have a job queued or running (one read)."""
    wanted = {(spec.handler, tuple(sorted(spec.arguments.items()))): spec.name for spec in specs}
    pending = set()
    for handler, arguments in Job.objects.filter(
        handler__in={spec.handler for spec in specs},
        status__in=[Job.Status.READY, Job.Status.RUNNING],
    ).values_list("handler", "arguments"):
        name = wanted.get((handler, tuple(sorted(arguments.items()))))
        if name:
            pending.add(name)
    return pending


# --- Writes --------------------------------------------------------------------------------


@contextmanager
def _serialised() -> Iterator[None]:
    """One transaction in which a check-then-queue cannot race another: it locks the audit
    chain's head, as every write does before it appends (SQLite's IMMEDIATE transactions
    serialise writers already)."""
    with transaction.atomic():
        AuditHead.objects.select_for_update().filter(pk=1).first()
        yield


def file_refresh(*, actor: Any, spec: Spec) -> Job | None:
    """Queue the job that prepares a missing or out-of-date file, unless one is queued or
    running already (or failed a moment ago). Returns the job queued, or None."""
    permissions.require(actor, "files.prepare")
    if is_mirror() or file_job_pending(spec) is not None:
        return None
    with _serialised():
        if file_job_pending(spec) is not None or _failed_lately(spec):
            return None
        row = file_current(spec.name)
        if row is not None and file_path(row).is_file() and not file_is_stale(row):
            return None
        return job_enqueue(actor=actor, work=spec.work, arguments=spec.arguments)


def file_prepare_request(*, actor: Any, spec: Spec) -> Job:
    """The Secretariat asks for a file to be prepared now: the job queued (or the one already
    queued or running for it). Unavailable where this server cannot make it."""
    permissions.require(actor, "files.prepare.request")
    _check_makeable(spec)
    with _serialised():
        pending = file_job_pending(spec)
        if pending is not None:
            return pending
        return job_enqueue(actor=actor, work=spec.work, arguments=spec.arguments)


@dataclass
class _Made:
    temporary: Path
    audit_seq: int
    audit_hash: str
    sha256: str
    size: int
    installed: Path | None = None

    def discard(self) -> None:
        """Remove what this try wrote, when its transaction did not commit."""
        for path in (self.temporary, self.installed):
            if path is not None:
                path.unlink(missing_ok=True)


def _sweep(spec: Spec) -> None:
    """Remove the versions no row names any more, and a killed worker's leftovers."""
    folder = settings.EF_FILES_DIR / spec.folder
    row = file_current(spec.name)
    keep = file_path(row) if row is not None else None
    cutoff = time.time() - SWEEP_AFTER.total_seconds()
    for path in folder.iterdir():
        if path.is_file() and path != keep and path.name != ".lock":
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:
                continue  # another worker swept it first


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make(spec: Spec, write: Writer) -> _Made:
    """Make the file into a temporary file in its own folder, outside any transaction."""
    folder = settings.EF_FILES_DIR / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(spec)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=spec.suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        # The head before reading: the file holds at least the data of this version.
        before = audit_head()
        seq, head = write(temporary) or before
        _fsync(temporary)
        digest = hashlib.sha256()
        with temporary.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return _Made(temporary, seq, head, digest.hexdigest(), temporary.stat().st_size)


def _install(spec: Spec, made: _Made) -> PublishedFile:
    """Give the made file its own name and point the row at it. Inside the caller's
    transaction: until it commits, readers are served the previous version."""
    folder = settings.EF_FILES_DIR / spec.folder
    final = folder / f"{made.audit_seq}-{made.sha256[:16]}-{secrets.token_hex(4)}{spec.suffix}"
    os.replace(made.temporary, final)
    made.installed = final
    os.utime(final)  # its age counts from now: the sweep leaves a new version alone
    _fsync(folder)
    row, _created = PublishedFile.objects.update_or_create(
        name=spec.name,
        defaults={
            "language": spec.language,
            "audit_seq": made.audit_seq,
            "audit_hash": made.audit_hash,
            "path": str(final.relative_to(settings.EF_FILES_DIR)),
            "size": made.size,
            "sha256": made.sha256,
            "made_at": timezone.now(),
        },
    )
    return row


def _prepare(*, actor: Any, job: Job, spec: Spec, write: Writer) -> None:
    permissions.require(actor, "files.prepare")
    made = _make(spec, write)
    try:
        with job_writes(job) as current:
            row = _install(spec, made)
            current.outcome = {
                "type": "published_file",
                "id": row.pk,
                "name": row.name,
                "audit_seq": row.audit_seq,
                "sha256": row.sha256,
                "view": spec.listed_on,
                "kwargs": {},
            }
    except BaseException:
        made.discard()
        raise


def file_prepare_here(*, actor: Any, spec: Spec, write: Writer | None = None) -> PublishedFile:
    """Prepare a file in this process, without a job: on a read-only mirror, which runs none.

    Processes on this host take turns (a lock file), so readers arriving together make the
    file once. A mirror's audit chain is closed: the row is written without an entry (it holds
    a copy of public data the chain already vouches for, not a change of state).
    """
    permissions.require(actor, "files.prepare")
    folder = settings.EF_FILES_DIR / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        row = file_current(spec.name)
        if row is not None and file_path(row).is_file():
            return row
        made = _make(spec, write or WRITERS[spec.handler](spec))
        try:
            with transaction.atomic():
                return _install(spec, made)
        except BaseException:
            made.discard()
            raise


def _check_makeable(spec: Spec) -> None:
    """Refuse a file this server cannot make (Unavailable), with a log line for whoever runs
    it: one file that cannot be made (a language without its font) leaves the others be."""
    reason = spec.cannot_make()
    if reason is not None:
        logger.warning("Published file %s skipped: %s", spec.name, reason)
        raise Unavailable(reason)


# --- The jobs ------------------------------------------------------------------------------


def _annual_report_writer(spec: Spec) -> Writer:
    def write(path: Path) -> None:
        path.write_bytes(report.pdf(int(spec.arguments["year"]), spec.arguments["language"]))

    return write


def _iati_writer(spec: Spec) -> Writer:
    def write(path: Path) -> None:
        if spec.arguments["name"] == "activities":
            iati.write_activities(path)
        else:
            iati.write_organisation(path)

    return write


def _mirror_bundle_writer(spec: Spec) -> Writer:
    def write(path: Path) -> tuple[int, str]:
        manifest = mirror.export(path)
        # The bundle names the head it holds: exactly the data's version.
        return int(manifest["audit_entries"]), str(manifest["audit_head"])

    return write


def _dataset_writer(spec: Spec) -> Writer:
    def write(path: Path) -> None:
        dataset = exports.DATASETS[spec.arguments["dataset"]]
        with path.open("wb") as out:
            for block in exports.chunks(dataset, spec.arguments["fmt"], spec.arguments["language"]):
                out.write(block)

    return write


@job_handler(gettext_noop("Preparing an open-data file"))
def dataset_file_prepare(*, actor: Any, job: Job, dataset: str, fmt: str, language: str) -> None:
    spec = dataset_spec(dataset, fmt, language)
    _prepare(actor=actor, job=job, spec=spec, write=_dataset_writer(spec))


@job_handler(gettext_noop("Preparing the annual report PDF"))
def annual_report_prepare(*, actor: Any, job: Job, year: int, language: str) -> None:
    spec = annual_report_spec(year, language)
    _check_makeable(spec)  # a refusal: the job fails with the reason, and is not tried again
    _prepare(actor=actor, job=job, spec=spec, write=_annual_report_writer(spec))


@job_handler(gettext_noop("Preparing an IATI file"))
def iati_file_prepare(*, actor: Any, job: Job, name: str) -> None:
    spec = iati_spec(name)
    _prepare(actor=actor, job=job, spec=spec, write=_iati_writer(spec))


@job_handler(gettext_noop("Preparing the mirror bundle"))
def mirror_bundle_prepare(*, actor: Any, job: Job) -> None:
    spec = mirror_bundle_spec()
    _prepare(actor=actor, job=job, spec=spec, write=_mirror_bundle_writer(spec))


WRITERS: dict[str, Callable[[Spec], Writer]] = {
    handler_path(annual_report_prepare): _annual_report_writer,
    handler_path(iati_file_prepare): _iati_writer,
    handler_path(mirror_bundle_prepare): _mirror_bundle_writer,
    handler_path(dataset_file_prepare): _dataset_writer,
}


def file_for_reader(spec: Spec) -> PublishedFile | None:
    """The version to serve a reader now, or None while the first one is being prepared.

    A missing or out-of-date file gets one refresh job, queued on the scheduler's behalf (the
    reader asked for a file, not for a job). On a mirror, a missing file is made here. Where
    this server cannot make the file, a version made before is served as it is, and without
    one the reader is told what the server lacks (Unavailable).
    """
    row = file_current(spec.name)
    if row is not None and not file_path(row).is_file():
        row = None  # its file was removed by hand: as if there were none
    mirrored = is_mirror()
    wanted = row is None or (not mirrored and file_is_stale(row))
    if wanted and row is None:
        _check_makeable(spec)
    elif wanted and spec.cannot_make() is not None:
        return row  # a refresh would fail: the version made before is the best there is
    if mirrored:
        return row or file_prepare_here(actor=permissions.SYSTEM_WORKER, spec=spec)
    if wanted:
        file_refresh(actor=permissions.SYSTEM_SCHEDULER, spec=spec)
    return row
