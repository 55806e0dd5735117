"""The library's pages: the documents, one document and its versions, the Secretariat's
forms, and the file of a version, served so that no browser runs it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from equalfooting import permissions
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput, NotFound
from equalfooting.core.forms import attach_errors
from equalfooting.core.i18n import pick
from equalfooting.core.paging import keyset_page
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label

from . import library, selectors
from .forms import DocumentForm, DocumentVersionForm
from .models import Document, DocumentVersion


def _document(document_id: int, **_ignored: Any) -> Document:
    found = Document.objects.select_related("state").filter(pk=document_id).first()
    if found is None:
        raise NotFound(_("No such document."))
    return found


def _in_language(document: Document, language: str) -> DocumentVersion | None:
    """The version in the reader's language, or the first there is."""
    versions = list(document.versions.all())
    wanted = language.split("-")[0]
    return next((v for v in versions if v.language == wanted), versions[0] if versions else None)


@require_safe
def library_list(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "").strip()[:40] for name in ("theme", "kind")}
    page = keyset_page(selectors.library_documents(**chosen), request)
    return render(
        request,
        "programmes/library.html",
        {
            "documents": [
                (
                    d,
                    _in_language(d, request.LANGUAGE_CODE),
                    [languages.name(v.language) for v in d.versions.all()],
                )
                for d in page
            ],
            "page": page,
            "chosen": chosen,
            "filters": {
                "theme": [(x.code, pick(x.name)) for x in fw.load().dimensions],
                "kind": Document.Kind.choices,
            },
            "can_manage": permissions.can(request.user, "document.manage"),
        },
    )


@require_safe
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(document_id)
    return render(
        request,
        "programmes/document_detail.html",
        {
            "document": document,
            "shown": _in_language(document, request.LANGUAGE_CODE),
            "versions": [(v, languages.name(v.language)) for v in document.versions.all()],
            "themes": [theme_label(t) for t in document.themes],
            "can_manage": permissions.can(request.user, "document.manage", document),
        },
    )


def _upload(request: HttpRequest) -> library.Upload:
    given = request.FILES.get("file")
    # (The forms require a file; without one, the service's check names the field.)
    return (
        library.Upload(name=given.name or "", data=given.read())
        if given
        else library.Upload("", b"")
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("document.manage")
def document_add(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            document = library.document_add(actor=request.user, upload=_upload(request), **fields)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The document was added to the library."))
            return redirect("programmes:document_detail", document_id=document.pk)
    return render(
        request,
        "programmes/document_form.html",
        {"form": form, "document": None},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permissions.guard("document.manage", load=_document)
def version_add(request: HttpRequest, document_id: int, obj: Document) -> HttpResponse:
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            library.version_add(
                actor=request.user,
                document=obj,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
                upload=_upload(request),
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The version was added."))
            return redirect("programmes:document_detail", document_id=obj.pk)
    return render(
        request,
        "programmes/document_form.html",
        {"form": form, "document": obj},
        status=422 if form.errors else 200,
    )


@require_safe
def version_file(request: HttpRequest, document_id: int, language: str) -> FileResponse:
    version = DocumentVersion.objects.filter(document_id=document_id, language=language).first()
    if version is None or not library.path_of(version).is_file():
        raise NotFound(_("No such file."))
    response = FileResponse(
        library.path_of(version).open("rb"),
        as_attachment=True,
        filename=version.filename,
        content_type=version.media_type,
    )
    # Whatever is inside, the browser saves it: it neither guesses another type nor runs it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"  # a version may be replaced
    return response
