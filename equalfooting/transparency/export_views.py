from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_http_methods, require_safe

from equalfooting.audit.selectors import audit_head, public_entries
from equalfooting.core.errors import NotFound
from equalfooting.core.models import is_mirror
from equalfooting.core.signing import fingerprint

from . import exports, file_views, mirror, published


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    return lang if lang in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


def _etag(request: HttpRequest, dataset: str, fmt: str) -> str:
    # Every change of state appends to the audit chain, so its head names the data's version.
    _seq, head = audit_head()
    return hashlib.sha256(f"{dataset}.{fmt}.{_language(request)}.{head}".encode()).hexdigest()[:32]


def _last_modified(request: HttpRequest, dataset: str, fmt: str) -> dt.datetime | None:
    latest = public_entries().values_list("at", flat=True).last()
    return dt.datetime.fromisoformat(latest) if latest else None


@require_http_methods(["GET", "HEAD", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    """The open-data page; its POST is the Secretariat's "Prepare now" button."""
    if request.method == "POST":
        return file_views.prepare_now(request)
    return render(
        request,
        "transparency/exports.html",
        {
            "datasets": list(exports.DATASETS),
            "formats": exports.FORMATS,
            "lang": _language(request),
            "files": file_views.file_rows(request, published.specs_listed()),
            "can_prepare": file_views.can_prepare(request),
        },
    )


@require_safe
def export_file(request: HttpRequest, dataset: str, fmt: str) -> HttpResponseBase:
    """A public list, streamed as it is read; or a published file: the mirror bundle, and the
    lists that grow with every change (`published.FILE_DATASETS`)."""
    if f"{dataset}.{fmt}" == published.MIRROR_BUNDLE:
        return file_views.serve(request, published.mirror_bundle_spec())
    if dataset in published.FILE_DATASETS:
        # Too long to write while the reader waits: made by a worker, served as a file.
        return file_views.serve(request, published.dataset_spec(dataset, fmt, _language(request)))
    return _export_stream(request, dataset, fmt)


@condition(etag_func=_etag, last_modified_func=_last_modified)
def _export_stream(request: HttpRequest, dataset: str, fmt: str) -> StreamingHttpResponse:
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise NotFound(_("No such dataset or format."))
    lang = _language(request)
    response = StreamingHttpResponse(
        exports.chunks(exports.DATASETS[dataset], fmt, lang),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="equalfooting-{dataset}-{lang}.{fmt}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def mirror_info(request: HttpRequest) -> HttpResponse:
    """The key bundles verify with, and the bundle; its POST is the Secretariat's "Prepare now"
    button (a mirror refuses every POST before any view runs)."""
    if request.method == "POST":
        return file_views.prepare_now(request)
    installation, key = mirror.installation_key()
    return render(
        request,
        "transparency/mirror.html",
        {
            "public_key": key,
            "fingerprint": fingerprint(key),
            "installation": installation,
            # A mirror makes no bundle of its own.
            "files": []
            if is_mirror()
            else file_views.file_rows(request, [published.mirror_bundle_spec()]),
            "can_prepare": file_views.can_prepare(request),
        },
    )


@require_safe
def iati_file(request: HttpRequest, name: str) -> HttpResponseBase:
    """IATI 2.03 activity and organisation files, prepared by a job and served from disk."""
    return file_views.serve(request, published.iati_spec(name))
