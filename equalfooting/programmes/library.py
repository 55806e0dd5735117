"""The library: documents in their language versions, their files checked, kept outside the
web root and read for search.

A file is accepted only if its content is what its name says (a PDF, a Word or OpenDocument
text, or plain UTF-8 text) and it is no larger than EF_LIBRARY_MAX_BYTES. It is stored under
EF_FILES_DIR/library by its SHA-256 digest, never under the name it came with, and is served
only by the library's own view, as an attachment that a browser will not run.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core import languages
from equalfooting.core.errors import InvalidInput
from equalfooting.core.validation import clean_date, limit
from equalfooting.domain.text import printable
from equalfooting.needs import framework as fw
from equalfooting.registry.models import State

from . import search
from .models import Document, DocumentVersion

# The kinds of file the library takes, by the ending of their name: (media type, label).
KINDS: dict[str, tuple[str, Any]] = {
    ".pdf": ("application/pdf", "PDF"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"),
    ".txt": ("text/plain; charset=utf-8", gettext_lazy("UTF-8 text")),
}
# A text read from a file is cut here (the search needs its words, not a whole book), and an
# archive member larger than this when unpacked is not read (a "zip bomb").
MOST_TEXT = 500_000
MOST_UNPACKED = 50_000_000
MOST_PDF_PAGES = 300


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name and its bytes."""

    name: str
    data: bytes


def _zip_member(data: bytes, member: str) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(member)
            if info.file_size > MOST_UNPACKED:
                return None
            return archive.read(member)
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError):
        return None


def _is_utf8_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def content_matches(ending: str, data: bytes) -> bool:
    """Whether the bytes are the kind of file the name's ending says."""
    if ending == ".pdf":
        return data.startswith(b"%PDF-")
    if ending == ".docx":
        return data.startswith(b"PK\x03\x04") and _zip_member(data, "word/document.xml") is not None
    if ending == ".odt":
        mimetype = _zip_member(data, "mimetype")
        return data.startswith(b"PK\x03\x04") and mimetype == KINDS[".odt"][0].encode()
    if ending == ".txt":
        return _is_utf8_text(data)
    return False


def clean_filename(name: str) -> str:
    """The name a download is offered under: its last part, letters, digits, dots, dashes."""
    base = os.path.basename(name.replace("\\", "/"))
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-")
    return cleaned[-120:] or "document"


def check(upload: Upload) -> str:
    """The file's ending (its kind), once its size and content are checked; InvalidInput names
    the `file` field otherwise."""
    ending = Path(upload.name.lower()).suffix
    if ending not in KINDS:
        raise InvalidInput(
            {
                "file": [
                    _("The library takes PDF, DOCX, ODT and UTF-8 text files; this is %(name)s.")
                    % {"name": clean_filename(upload.name)}
                ]
            }
        )
    if not upload.data:
        raise InvalidInput({"file": [_("The file is empty.")]})
    if len(upload.data) > settings.EF_LIBRARY_MAX_BYTES:
        raise InvalidInput(
            {
                "file": [
                    _("The file is larger than the %(most)s megabytes the library takes.")
                    % {"most": settings.EF_LIBRARY_MAX_BYTES // 1_000_000}
                ]
            }
        )
    if not content_matches(ending, upload.data):
        raise InvalidInput(
            {
                "file": [
                    _("The file is not what its name says: its content is not %(kind)s.")
                    % {"kind": KINDS[ending][1]}
                ]
            }
        )
    return ending


def _xml_text(data: bytes, paragraph: str) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return ""
    return "\n".join("".join(p.itertext()) for p in root.iter(paragraph))


def extract_text(ending: str, data: bytes) -> str:
    """The words of the file, as far as they can be read; "" when none can be."""
    text = ""
    if ending == ".txt":
        text = data.decode("utf-8")
    elif ending == ".docx":
        member = _zip_member(data, "word/document.xml")
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
        text = _xml_text(member, w) if member else ""
    elif ending == ".odt":
        member = _zip_member(data, "content.xml")
        p = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
        text = _xml_text(member, p) if member else ""
    elif ending == ".pdf":
        text = _pdf_text(data)
    # Without the control characters files carry (a PDF's form feeds): only words are kept.
    return printable(text)[:MOST_TEXT]


def _pdf_text(data: bytes) -> str:
    # pypdf is imported only here: reading PDFs is the one thing the library needs it for.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = reader.pages[:MOST_PDF_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        return ""  # a PDF whose text cannot be read is kept, and found by its title alone


def folder() -> Path:
    return settings.EF_FILES_DIR / "library"


def path_of(version: DocumentVersion) -> Path:
    return folder() / version.sha256[:2] / version.sha256


def _store(data: bytes) -> str:
    """Write the file under its digest (once: the same file twice is kept once)."""
    digest = hashlib.sha256(data).hexdigest()
    target = folder() / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, target)  # whole or not at all
    return digest


def _clean_document(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if data.get("kind") not in Document.Kind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    if data.get("licence") not in Document.Licence.values:
        errors["licence"] = [_("Choose the licence the document is shared under.")]
    source = str(data.get("source") or "").strip()
    if not source:
        errors["source"] = [_("Say who published the document, and where it was found.")]
    elif len(source) > limit(Document, "source"):
        errors["source"] = [_("The source is too long.")]
    themes = list(data.get("themes") or [])
    if not set(themes) <= {d.code for d in fw.load().dimensions}:
        errors["themes"] = [_("Choose among the framework's themes.")]
    published_on = clean_date(data.get("published_on"), "published_on", errors)
    state = None
    if data.get("state"):
        state = State.objects.filter(iso3=str(data["state"]).upper()).first()
        if state is None:
            errors["state"] = [_("Give the three-letter code of a State.")]
    if errors:
        raise InvalidInput(errors)
    return {
        "kind": data["kind"],
        "licence": data["licence"],
        "source": source,
        "themes": themes,
        "published_on": published_on,
        "state": state,
    }


def _clean_version(language: Any, title: Any) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if language not in languages.CODES:
        errors["language"] = [_("Choose the language of this version.")]
    title = str(title or "").strip()
    if not title:
        errors["title"] = [_("Give the document's title in this language.")]
    elif len(title) > limit(DocumentVersion, "title"):
        errors["title"] = [_("The title is too long.")]
    if errors:
        raise InvalidInput(errors)
    return str(language), title


def _audit(actor: Any, document: Document, action: str) -> None:
    audit_append(
        actor=actor,
        action=f"programmes.document.{action}",
        object_type="document",
        object_id=str(document.pk),
        state={
            "kind": document.kind,
            "licence": document.licence,
            "source": document.source,
            "themes": document.themes,
            "published_on": document.published_on.isoformat() if document.published_on else None,
            "state": document.state_id,
            "versions": [
                {"language": v.language, "title": v.title, "sha256": v.sha256, "size": v.size}
                for v in document.versions.order_by("language")
            ],
        },
        public=True,  # the library is public
    )
    search.documents_changed()


def _version(document: Document, language: str, title: str, upload: Upload) -> DocumentVersion:
    ending = check(upload)
    digest = _store(upload.data)
    return DocumentVersion.objects.create(
        document=document,
        language=language,
        title=title,
        filename=clean_filename(upload.name),
        media_type=KINDS[ending][0],
        size=len(upload.data),
        sha256=digest,
        text=extract_text(ending, upload.data),
    )


@transaction.atomic
def document_add(*, actor: Any, language: Any, title: Any, upload: Upload, **data: Any) -> Document:
    """Add a document with its first language version (every check passes before anything is
    written; the file is stored under its digest, so a refused one leaves nothing behind that
    a later add would not reuse)."""
    permissions.require(actor, "document.manage")
    errors: dict[str, list[str]] = {}
    for step in (lambda: _clean_document(data), lambda: _clean_version(language, title)):
        try:
            step()
        except InvalidInput as exc:  # every field's problem at once, not the first only
            errors.update(exc.message_dict)
    if errors:
        raise InvalidInput(errors)
    fields = _clean_document(data)
    language, title = _clean_version(language, title)
    check(upload)
    document = Document.objects.create(
        added_by=permissions.person(actor), is_synthetic=bool(data.get("is_synthetic")), **fields
    )
    _version(document, language, title, upload)
    _audit(actor, document, "added")
    return document


@transaction.atomic
def version_add(
    *, actor: Any, document: Document, language: Any, title: Any, upload: Upload
) -> DocumentVersion:
    """Add, or replace, the document's version in a language."""
    permissions.require(actor, "document.manage", document)
    language, title = _clean_version(language, title)
    check(upload)
    DocumentVersion.objects.filter(document=document, language=language).delete()
    version = _version(document, language, title, upload)
    document.save(update_fields=["updated_at"])
    _audit(actor, document, "version_added")
    return version
