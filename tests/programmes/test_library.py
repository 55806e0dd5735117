"""The library: documents in language versions, files checked for what they are and their
size, kept outside the web root and served as downloads a browser will not run, their text
read (PDF, DOCX, ODT, text) and found by search in any language."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from equalfooting.audit.models import AuditEntry
from equalfooting.core.errors import InvalidInput, NotAllowed
from equalfooting.programmes import events, library, search
from equalfooting.programmes.models import Document, DocumentVersion
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS: dict[str, Any] = {
    "kind": "strategy",
    "licence": "cc_by_4",
    "source": "Ministry of ICT of Kenya (synthetic test document)",
    "themes": ["policy"],
    "published_on": "2024-05-01",
    "state": "KEN",
}


def pdf(text: str) -> bytes:
    """A one-page PDF whose page says `text` (Latin-1), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        )
    return out.getvalue()


@pytest.fixture(autouse=True)
def files_here(settings: Any, tmp_path: Any) -> None:
    settings.EF_FILES_DIR = tmp_path
    settings.EF_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def strategy(officer: Any) -> Document:
    return library.document_add(
        actor=officer,
        language="fr",
        title="Stratégie nationale de cybersécurité",
        upload=library.Upload("strategie.pdf", pdf("Stratégie de réponse aux incidents")),
        **FIELDS,
    )


def test_a_pdfs_text_is_read_and_the_file_kept_outside_the_web_root_by_its_digest(
    strategy: Document, settings: Any
) -> None:
    version = strategy.versions.get()
    assert "réponse aux incidents" in version.text
    assert version.media_type == "application/pdf"
    stored = library.path_of(version)
    assert stored.parent.parent == settings.EF_FILES_DIR / "library"
    assert stored.name == version.sha256
    assert AuditEntry.objects.filter(action="programmes.document.added").exists()


def test_the_file_is_served_as_a_download_a_browser_will_not_run(
    strategy: Document, client: Client
) -> None:
    response: Any = client.get(f"/en/library/{strategy.pk}/fr/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="strategie.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"/en/library/{strategy.pk}/ar/file").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not what its name says"),
        ("report.docx", pdf("x"), "not what its name says"),
        ("report.exe", b"MZ\x90\x00", "PDF, DOCX, ODT"),
        ("notes.txt", b"\xff\xfe\x00bad", "not what its name says"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_written(
    officer: Any, name: str, data: bytes, says: str, settings: Any
) -> None:
    with pytest.raises(InvalidInput) as refused:
        library.document_add(
            actor=officer,
            language="en",
            title="A guide",
            upload=library.Upload(name, data),
            **FIELDS,
        )
    assert says in " ".join(refused.value.message_dict["file"])
    assert not Document.objects.exists()
    assert not (settings.EF_FILES_DIR / "library").exists()


def test_a_file_larger_than_the_limit_is_refused(officer: Any, settings: Any) -> None:
    settings.EF_LIBRARY_MAX_BYTES = 100
    with pytest.raises(InvalidInput, match="megabytes"):
        library.document_add(
            actor=officer,
            language="en",
            title="A guide",
            upload=library.Upload("guide.txt", b"x" * 101),
            **FIELDS,
        )


def test_bad_fields_are_named(officer: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        library.document_add(
            actor=officer,
            language="xx",
            title="",
            upload=library.Upload("guide.txt", b"text"),
            **{**FIELDS, "licence": "", "state": "ZZZ", "themes": ["cooking"]},
        )
    assert {"language", "title", "licence", "state", "themes"} <= set(refused.value.message_dict)


def test_only_the_secretariat_adds_documents(focal_point_ken: Any) -> None:
    with pytest.raises(NotAllowed):
        library.document_add(
            actor=focal_point_ken,
            language="en",
            title="A guide",
            upload=library.Upload("guide.txt", b"text"),
            **FIELDS,
        )


def test_language_versions_are_found_by_their_words_and_shown_in_the_readers_language(
    officer: Any, strategy: Document
) -> None:
    library.version_add(
        actor=officer,
        document=strategy,
        language="ar",
        title="الاستراتيجية الوطنية للأمن السيبراني",
        upload=library.Upload("strategy-ar.docx", docx(["خطة الاستجابة للحوادث الحاسوبية"])),
    )
    library.version_add(
        actor=officer,
        document=strategy,
        language="zh",
        title="国家网络安全战略",
        upload=library.Upload("strategy-zh.txt", "国家计算机应急响应小组的职责".encode()),
    )
    search.search_sync()

    def found(text: str, language: str) -> list[str]:
        result = search.search(text=text, chosen={"kind": "document"}, language=language)
        return [d.title for d in result.items]

    # A word of the Arabic file's text, a phrase of the Chinese file's, an accent-less French
    # word of the PDF's: the one document, in the reader's language.
    assert found("الحوادث", "en") == ["Stratégie nationale de cybersécurité"]
    assert found("的职责", "ar") == ["الاستراتيجية الوطنية للأمن السيبراني"]
    assert found("reponse", "zh-hans") == ["国家网络安全战略"]
    assert DocumentVersion.objects.filter(document=strategy).count() == 3


def test_the_library_pages_in_english_and_arabic(
    client: Client, strategy: Document, officer: Any
) -> None:
    page = client.get("/ar/library/").content.decode()
    assert "Stratégie nationale de cybersécurité" in page and 'dir="rtl"' in page
    page = client.get(f"/en/library/{strategy.pk}/").content.decode()
    assert f"/en/library/{strategy.pk}/fr/file" in page
    factories.login_with_2fa(client, officer)
    form = {**FIELDS, "language": "en", "title": "Incident handling guide", "kind": "guide"}
    form["file"] = io.BytesIO(b"How to handle an incident.")
    form["file"].name = "guide.txt"
    assert client.post("/en/library/new/", form).status_code == 302
    bad = {**form, "file": io.BytesIO(b"%PDF-1.4 fake")}
    bad["file"].name = "guide.docx"
    assert client.post("/en/library/new/", bad).status_code == 422
    assert Document.objects.count() == 2


def test_the_api_lists_the_documents_with_their_versions(
    client: Client, strategy: Document
) -> None:
    (answer,) = client.get("/api/v1/documents", {"theme": "policy"}).json()
    assert answer["state"] == "KEN" and answer["licence"] == "cc_by_4"
    (version,) = answer["versions"]
    assert version["language"] == "fr" and version["media_type"] == "application/pdf"
    assert client.get(version["file"]).status_code == 200
    assert client.get("/api/v1/documents", {"kind": "report"}).json() == []


def test_the_control_characters_of_a_files_text_are_not_kept(officer: Any) -> None:
    document = library.document_add(
        actor=officer,
        language="en",
        title="Paged guide",
        upload=library.Upload("guide.txt", b"Page one\x0cPage two\x1b[0m"),
        **FIELDS,
    )
    assert document.versions.get().text == "Page onePage two[0m"


def test_the_library_and_the_calendar_are_open_data(
    client: Client, strategy: Document, officer: Any
) -> None:
    response = factories.open_data(client, "/en/open-data/library.json")
    rows = json.loads(b"".join(response.streaming_content))["rows"]
    assert [(r["reference"], r["language"], r["state"]) for r in rows] == [
        (strategy.reference, "fr", "KEN")
    ]
    event = events.event_save(
        actor=officer,
        title="Plenary session",
        kind="plenary",
        time_zone="Europe/Zurich",
        starts_at="2099-06-01T10:00",
        ends_at="2099-06-01T12:00",
        attendance="online",
    )
    draft_only = factories.open_data(client, "/en/open-data/events.json")
    assert json.loads(b"".join(draft_only.streaming_content))["rows"] == []
    events.event_transition(actor=officer, event=event, target="published")
    published = factories.open_data(client, "/en/open-data/events.json")
    (row,) = json.loads(b"".join(published.streaming_content))["rows"]
    assert (row["reference"], row["starts_at"]) == (event.reference, "2099-06-01T08:00:00+00:00")
