from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from equalfooting.audit.selectors import audit_entries, audit_head
from equalfooting.core.errors import NotFound

from . import exports, iati, mirror


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    return lang if lang in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


def _etag(request: HttpRequest, dataset: str, fmt: str) -> str:
    # Every change of state appends to the audit chain, so its head names the data's version.
    _seq, head = audit_head()
    return hashlib.sha256(f"{dataset}.{fmt}.{_language(request)}.{head}".encode()).hexdigest()[:32]


def _last_modified(request: HttpRequest, dataset: str, fmt: str) -> dt.datetime | None:
    latest = audit_entries().values_list("at", flat=True).last()
    return dt.datetime.fromisoformat(latest) if latest else None


@require_safe
def export_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "transparency/exports.html",
        {
            "datasets": list(exports.DATASETS),
            "formats": exports.FORMATS,
            "lang": _language(request),
        },
    )


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def export_file(request: HttpRequest, dataset: str, fmt: str) -> StreamingHttpResponse:
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise NotFound(_("No such dataset or format."))
    lang = _language(request)
    response = StreamingHttpResponse(
        exports.chunks(exports.DATASETS[dataset], fmt, lang),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="equalfooting-{dataset}-{lang}.{fmt}"'
    return response


@require_safe
def mirror_info(request: HttpRequest) -> HttpResponse:
    installation, key = mirror.installation_key()
    return render(
        request,
        "transparency/mirror.html",
        {
            "public_key": key,
            "fingerprint": mirror.fingerprint(key),
            "installation": installation,
        },
    )


@require_safe
@condition(
    etag_func=lambda request, name: _etag(request, "iati", name),
    last_modified_func=lambda request, name: _last_modified(request, "iati", name),
)
def iati_file(request: HttpRequest, name: str) -> HttpResponse:
    """IATI 2.03 activity and organisation files, made afresh from the public records."""
    if name not in ("activities", "organisation"):
        raise NotFound(_("No such dataset or format."))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.xml"
        if name == "activities":
            iati.write_activities(path)
        else:
            iati.write_organisation(path)
        data = path.read_bytes()
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="equalfooting-iati-{name}.xml"'
    return response
