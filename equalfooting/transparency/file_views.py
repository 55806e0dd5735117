"""Serving published files (`published.py`) and the Secretariat's "Prepare now" button.

A reader is served the stored version with its ETag (the file's SHA-256) and Last-Modified
(when it was made), and a conditional request is answered 304. While the first version is
being prepared the answer is 503 with Retry-After, on a small page that reloads itself (a
meta refresh: the content security policy allows no inline script). Readers never see a job.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from equalfooting import permissions

from . import published
from .models import PublishedFile

RETRY_AFTER = 30  # seconds


def _preparing(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "transparency/file_preparing.html", {"retry_after": RETRY_AFTER}, status=503
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _open(row: PublishedFile) -> Any:
    try:
        return published.file_path(row).open("rb")
    except FileNotFoundError:
        return None  # swept between reading the row and opening the file: read the row again


def serve(request: HttpRequest, spec: published.Spec) -> HttpResponseBase:
    row = published.file_for_reader(spec)
    if row is None:
        return _preparing(request)
    etag, last_modified = f'"{row.sha256}"', int(row.made_at.timestamp())
    unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if unchanged is not None:
        return unchanged
    handle = _open(row)
    if handle is None:
        row = published.file_current(spec.name)
        handle = _open(row) if row is not None else None
        if row is None or handle is None:
            return _preparing(request)
    response = FileResponse(
        handle, as_attachment=True, filename=spec.download_name, content_type=spec.content_type
    )
    response["ETag"] = f'"{row.sha256}"'
    response["Last-Modified"] = http_date(row.made_at.timestamp())
    return response


def file_rows(request: HttpRequest, specs: list[published.Spec]) -> list[dict[str, Any]]:
    """What the pages listing files show of each: where to get it, as of when, whether a newer
    version is being prepared."""
    rows = {row.name: row for row in PublishedFile.objects.filter(name__in=[s.name for s in specs])}
    pending = published.files_pending(specs)
    listed = []
    for spec in specs:
        with translation.override(spec.language or translation.get_language()):
            url = _url(spec)
        listed.append(
            {
                "spec": spec,
                "url": url,
                "row": rows.get(spec.name),
                "pending": spec.name in pending,
                # What this server lacks to make it (a PDF's font), said where "as of" would be.
                "unavailable": spec.cannot_make(),
            }
        )
    return listed


def _url(spec: published.Spec) -> str:
    if spec.work is published.annual_report_prepare:
        return reverse("annual_report_pdf", kwargs={"year": spec.arguments["year"]})
    if spec.work is published.iati_file_prepare:
        return reverse("iati_file", kwargs={"name": spec.arguments["name"]})
    return reverse("exports_file", kwargs={"dataset": "mirror-bundle", "fmt": "tar"})


def prepare_now(request: HttpRequest) -> HttpResponse:
    """The Secretariat's button: queue the file's job (or find the one queued) and follow it."""
    permissions.require(request.user, "files.prepare.request")
    spec = published.spec_named(request.POST.get("name", ""))  # NotFound: the 404 page
    job = published.file_prepare_request(actor=request.user, spec=spec)
    return redirect("jobs:job_detail", job_id=job.pk)


def can_prepare(request: HttpRequest) -> bool:
    return permissions.can(request.user, "files.prepare.request")
