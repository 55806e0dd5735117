"""Search over the register, the requests and the offers, in the six languages.

Only what everyone may see is indexed: published records (not those kept to aggregates),
submitted requests, offers out of draft. A search therefore cannot show anyone what they may
not see, and the page needs no per-reader filtering.

The index is derived from those rows and can be rebuilt at any time (`equalfooting search
rebuild`). It is kept up to date by `search_sync`, which compares each public row's
`updated_at` with the time its text was read: the scheduler runs it on every pass, and a
change to a record of the register runs it for that record as soon as the change commits.

Words are read by `domain.search` the same way for every database; the database then matches
them: SQLite's FTS5 (ranked by BM25), or PostgreSQL's text search (each document stemmed by
its language's configuration, a query by all six, ranked by `ts_rank`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet

from equalfooting.domain import search as analysis
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Offer

from .models import Activity, DocumentVersion, SearchDocument, SearchFacet

Kind = SearchDocument.Kind
# The facets a search can be narrowed by, in the order the page shows them.
FACETS = ("kind", "theme", "region", "group", "modality", "year", "provider_kind", "source")
# A search ranks at most this many texts; a reader who gets this many is asked to narrow it.
MOST_MATCHES = 1000
SUMMARY = 300
# An activity spanning more years than this counts under its first ones only.
MOST_YEARS = 20
# The kinds of assistance requests and offers name, as the register's modalities.
MODALITY_OF_KIND = {
    AssistanceRequest.Kind.TRAINING: Activity.Modality.TRAINING,
    AssistanceRequest.Kind.ADVISORY: Activity.Modality.TECHNICAL_ASSISTANCE,
    AssistanceRequest.Kind.EXERCISE: Activity.Modality.EXERCISE,
    AssistanceRequest.Kind.EQUIPMENT: Activity.Modality.EQUIPMENT,
    AssistanceRequest.Kind.ASSESSMENT: Activity.Modality.STUDY,
}
# PostgreSQL's text-search configuration for each UN language; Chinese is read as character
# pairs (`domain.search`), which the `simple` configuration keeps as they are.
PG_CONFIG = {"ar": "arabic", "en": "english", "es": "spanish", "fr": "french", "ru": "russian"}


# Reading rows into documents ---------------------------------------------------------------


@dataclass
class Text:
    """What one public row gives the index."""

    kind: str
    source_id: int
    item_id: int
    language: str
    title: str
    body: str
    read_at: dt.datetime
    summary: str = ""
    is_synthetic: bool = False
    facets: set[tuple[str, str]] = field(default_factory=set)


def _years(start: dt.date | None, end: dt.date | None) -> set[str]:
    known = [d.year for d in (start, end) if d is not None]
    if not known:
        return set()
    first, last = min(known), max(known)
    return {str(y) for y in range(first, min(last, first + MOST_YEARS - 1) + 1)}


def _state_facets(states: Iterable[Any]) -> set[tuple[str, str]]:
    facets: set[tuple[str, str]] = set()
    for s in states:
        facets |= {("region", s.region_id), ("region", s.subregion_id)}
        facets |= {("group", g.code) for g in s.groups.all()}
    return facets


def public_activities() -> QuerySet[Activity]:
    """The records search shows: the public ones, and the published records merged into a
    public one (found as its versions in their languages)."""
    published = Q(curation=Activity.Curation.PUBLISHED)
    return Activity.objects.filter(
        published & Q(aggregate_only=False, merged_into__isnull=True)
        | published
        & Q(
            merged_into__curation=Activity.Curation.PUBLISHED,
            merged_into__aggregate_only=False,
            merged_into__merged_into__isnull=True,
        )
    )


def _activity_texts(rows: QuerySet[Activity]) -> Iterator[Text]:
    rows = rows.select_related("beneficiary_region", "beneficiary_group").prefetch_related(
        "beneficiaries__groups"
    )
    for a in rows:
        states = list(a.beneficiaries.all())
        facets = {("kind", Kind.ACTIVITY), ("modality", a.modality), ("source", a.source)}
        facets |= {("theme", t) for t in a.themes} | _state_facets(states)
        facets |= {("year", y) for y in _years(a.start, a.end)}
        if a.provider_kind:
            facets.add(("provider_kind", a.provider_kind))
        if a.beneficiary_region:
            facets.add(("region", a.beneficiary_region.m49))
            if a.beneficiary_region.parent_id:
                facets.add(("region", a.beneficiary_region.parent_id))
        if a.beneficiary_group:
            facets.add(("group", a.beneficiary_group.code))
        yield Text(
            kind=Kind.ACTIVITY,
            source_id=a.pk,
            item_id=a.merged_into_id or a.pk,
            language=a.title_language,
            title=a.title,
            body=" ".join([a.description, *a.providers, *a.funders, *_names(states)]),
            read_at=a.updated_at,
            summary=a.description,
            is_synthetic=a.is_synthetic,
            facets=facets,
        )


def _names(states: Iterable[Any]) -> list[str]:
    # Every name of each State in every language, so "Кения" finds a record for Kenya.
    return [s.search_text for s in states]


def _language(languages: Sequence[str]) -> str:
    # A request or offer does not say what language its text is in; the first language it
    # names is the best guess, and "" (no stemming, only exact words) when it names none.
    return languages[0] if languages else ""


def _modality(kind: str) -> set[tuple[str, str]]:
    """A request's or offer's kind of assistance as the register's modality, where it has one."""
    if kind not in MODALITY_OF_KIND:
        return set()
    return {("modality", MODALITY_OF_KIND[AssistanceRequest.Kind(kind)])}


def _request_texts(rows: QuerySet[AssistanceRequest]) -> Iterator[Text]:
    for r in rows.select_related("state").prefetch_related("state__groups"):
        facets = {("kind", Kind.REQUEST), ("theme", r.theme), ("source", Activity.Source.MECHANISM)}
        facets |= _state_facets([r.state])
        facets |= _modality(r.kind)
        if r.submitted_at:
            facets.add(("year", str(r.submitted_at.year)))
        yield Text(
            kind=Kind.REQUEST,
            source_id=r.pk,
            item_id=r.pk,
            language=_language(r.languages),
            title=r.title,
            body=" ".join([r.reference, r.description, r.state.search_text]),
            read_at=r.updated_at,
            summary=r.description,
            is_synthetic=r.is_synthetic,
            facets=facets,
        )


def _offer_texts(rows: QuerySet[Offer]) -> Iterator[Text]:
    for o in rows.select_related("provider"):
        facets = {
            ("kind", Kind.OFFER),
            ("source", Activity.Source.MECHANISM),
            ("provider_kind", o.provider.kind),
        }
        facets |= {("theme", t) for t in o.themes}
        facets |= {("year", y) for y in _years(o.available_from, o.available_until)}
        facets |= _modality(o.kind)
        yield Text(
            kind=Kind.OFFER,
            source_id=o.pk,
            item_id=o.pk,
            language=_language(o.languages),
            title=o.title,
            body=" ".join([o.reference, o.description, o.provider.name]),
            read_at=o.updated_at,
            summary=o.description,
            is_synthetic=o.is_synthetic,
            facets=facets,
        )


def _document_texts(rows: QuerySet[DocumentVersion]) -> Iterator[Text]:
    for v in rows.select_related("document__state"):
        d = v.document
        facets = {("kind", Kind.DOCUMENT)} | {("theme", t) for t in d.themes}
        if d.published_on:
            facets.add(("year", str(d.published_on.year)))
        if d.state:
            facets |= {("region", d.state.region_id), ("region", d.state.subregion_id)}
        yield Text(
            kind=Kind.DOCUMENT,
            source_id=v.pk,
            item_id=d.pk,
            language=v.language,
            title=v.title,
            body=" ".join([d.reference, d.source, v.text]),
            read_at=v.updated_at,
            summary=v.text,  # the version's words, in its language
            is_synthetic=d.is_synthetic,
            facets=facets,
        )


SOURCES: dict[str, tuple[Any, Any]] = {
    Kind.ACTIVITY: (public_activities, _activity_texts),
    Kind.REQUEST: (lambda: AssistanceRequest.objects.public(), _request_texts),
    Kind.OFFER: (lambda: Offer.objects.exclude(status=Offer.Status.DRAFT), _offer_texts),
    Kind.DOCUMENT: (lambda: DocumentVersion.objects.all(), _document_texts),
}


# The database's own index ------------------------------------------------------------------


def _joined(text: str) -> str:
    return " ".join(analysis.terms(text))


class _SQLite:
    """FTS5: a word matches any word it begins (three letters or more), a phrase its pairs."""

    @staticmethod
    def write(cursor: Any, document_id: int, text: Text) -> None:
        cursor.execute("DELETE FROM programmes_searchtext WHERE rowid = %s", [document_id])
        cursor.execute(
            "INSERT INTO programmes_searchtext (rowid, title, body) VALUES (%s, %s, %s)",
            [document_id, _joined(text.title), _joined(text.body)],
        )

    @staticmethod
    def forget(cursor: Any, document_ids: list[int]) -> None:
        for chunk in _chunks(document_ids):
            marks = ", ".join(["%s"] * len(chunk))  # placeholders only: the ids are parameters
            cursor.execute(f"DELETE FROM programmes_searchtext WHERE rowid IN ({marks})", chunk)  # noqa: S608

    @staticmethod
    def match(cursor: Any, terms: list[analysis.Term]) -> list[int]:
        # Words hold letters and digits only (domain.search), so quoting them is enough.
        expression = " AND ".join(
            f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms
        )
        cursor.execute(
            "SELECT rowid FROM programmes_searchtext WHERE programmes_searchtext MATCH %s"
            " ORDER BY bm25(programmes_searchtext, 3.0, 1.0) LIMIT %s",
            [expression, MOST_MATCHES],
        )
        return [row[0] for row in cursor.fetchall()]


class _PostgreSQL:
    """Text search: a document's words stemmed by its language's configuration and kept as
    they are (`simple`), in a column of the document's own row (`vector`, which Django does
    not manage: migration 0011); a query's words stemmed by each of the six languages' in
    turn."""

    @staticmethod
    def write(cursor: Any, document_id: int, text: Text) -> None:
        config = PG_CONFIG.get(text.language, "simple")
        title, body = _joined(text.title), _joined(text.body)
        cursor.execute(
            "UPDATE programmes_searchdocument SET vector ="
            " setweight(to_tsvector(%s::regconfig, %s), 'A') || to_tsvector(%s::regconfig, %s)"
            " || setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s)"
            " WHERE id = %s",
            [config, title, config, body, title, body, document_id],
        )

    @staticmethod
    def forget(cursor: Any, document_ids: list[int]) -> None:
        pass  # the vector goes with its document's row

    @staticmethod
    def match(cursor: Any, terms: list[analysis.Term]) -> list[int]:
        parts: list[str] = []
        params: list[str] = []
        for t in terms:
            if t.phrase:
                parts.append("phraseto_tsquery('simple', %s)")
                params.append(" ".join(t.words))
                continue
            stemmed = [f"plainto_tsquery('{c}', %s)" for c in sorted(PG_CONFIG.values())]
            parts.append("(" + " || ".join([*stemmed, "to_tsquery('simple', %s)"]) + ")")
            # Words hold letters and digits only (domain.search): safe in to_tsquery's syntax.
            params += [t.words[0]] * len(stemmed) + [t.words[0] + (":*" if t.prefix else "")]
        # Only the fixed fragments above are joined into the SQL; every word is a parameter.
        cursor.execute(
            "SELECT id FROM programmes_searchdocument, (SELECT "  # noqa: S608
            + " && ".join(parts)
            + " AS q) AS query WHERE vector @@ query.q"
            " ORDER BY ts_rank(vector, query.q) DESC, id LIMIT %s",
            [*params, MOST_MATCHES],
        )
        return [row[0] for row in cursor.fetchall()]


def _backend() -> Any:
    return _PostgreSQL if connection.vendor == "postgresql" else _SQLite


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for at in range(0, len(ids), size):
        yield ids[at : at + size]


# Keeping the index up to date ---------------------------------------------------------------


def _write(texts: Iterable[Text]) -> int:
    written = 0
    backend = _backend()
    with connection.cursor() as cursor:
        for text in texts:
            document, _created = SearchDocument.objects.update_or_create(
                kind=text.kind,
                source_id=text.source_id,
                defaults={
                    "item_id": text.item_id,
                    "language": text.language,
                    "title": text.title,
                    # One line (the descriptions it comes from may have several).
                    "summary": " ".join(text.summary.split())[:SUMMARY],
                    "read_at": text.read_at,
                    "is_synthetic": text.is_synthetic,
                    # An item's own text stands for it; a merged record's, or a document's
                    # later versions, are its versions in other languages (`_primaries`).
                    "primary": text.source_id == text.item_id and text.kind != Kind.DOCUMENT,
                },
            )
            document.facets.all().delete()
            SearchFacet.objects.bulk_create(
                SearchFacet(document=document, name=name, value=str(value)[:40])
                for name, value in sorted(text.facets)
            )
            backend.write(cursor, document.pk, text)
            written += 1
    return written


def _forget(documents: QuerySet[SearchDocument]) -> int:
    ids = list(documents.values_list("pk", flat=True))
    if ids:
        with connection.cursor() as cursor:
            _backend().forget(cursor, ids)
        for chunk in _chunks(ids):
            SearchDocument.objects.filter(pk__in=chunk).delete()
    return len(ids)


def sync_kind(kind: str, *, ids: Sequence[int] | None = None, everything: bool = False) -> dict:
    """Bring one kind's documents up to date: read again the public rows changed since they
    were read (or all of them), forget those no longer public. Only `ids`, when given."""
    public, read = SOURCES[kind]
    rows = public()
    documents = SearchDocument.objects.filter(kind=kind)
    if ids is not None:
        rows, documents = rows.filter(pk__in=ids), documents.filter(source_id__in=ids)
    with transaction.atomic():
        gone = _forget(documents.exclude(source_id__in=rows.values("pk")))
        known = {} if everything else dict(documents.values_list("source_id", "read_at"))
        changed = [pk for pk, at in rows.values_list("pk", "updated_at") if known.get(pk) != at]
        written = sum(_write(read(rows.filter(pk__in=chunk))) for chunk in _chunks(changed))
        if kind == Kind.DOCUMENT and (written or gone):
            _document_primaries()
    return {"read": written, "forgotten": gone}


def _document_primaries() -> None:
    """A document stands in the results by its first version still in the library."""
    documents = SearchDocument.objects.filter(kind=Kind.DOCUMENT)
    firsts = list(
        documents.values("item_id").annotate(first=Min("source_id")).values_list("first", flat=True)
    )
    documents.exclude(source_id__in=firsts).update(primary=False)
    documents.filter(source_id__in=firsts).update(primary=True)


def search_sync(*, actor: Any = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The scheduler's pass: every kind brought up to date (idempotent; cheap when nothing
    changed)."""
    return {kind: sync_kind(kind) for kind in SOURCES}


def search_rebuild(*, progress: Any = None) -> dict[str, Any]:
    """Every document read again, for `equalfooting search rebuild` (after an upgrade that
    changes how text is read)."""
    done: dict[str, Any] = {}
    for kind in SOURCES:
        done[kind] = sync_kind(kind, everything=True)
        if progress:
            progress(kind, done[kind])
    return done


def documents_changed() -> None:
    """After the change commits, bring the library's texts up to date (a document's versions
    are few; the comparison of times reads only what changed)."""
    transaction.on_commit(partial(sync_kind, Kind.DOCUMENT), robust=True)


def activities_changed(activity_ids: Iterable[int]) -> None:
    """After the change commits, index the records again (called as each change is audited).
    Robust: the change is made whatever happens here; the scheduler's pass would catch up."""
    ids = sorted(set(activity_ids))
    transaction.on_commit(partial(sync_kind, Kind.ACTIVITY, ids=ids), robust=True)


# Searching ----------------------------------------------------------------------------------


@dataclass
class Found:
    """A page of results and the counts of the facets over all of them."""

    items: list[SearchDocument]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    capped: bool  # more texts matched than are ranked (MOST_MATCHES)
    first: int = 1  # the number of the page's first result


def _of_items(items: Iterable[tuple[str, int]]) -> Q:
    """The texts of these items (kind, item), one condition per kind."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, item_id in items:
        by_kind[kind].append(item_id)
    wanted = Q(pk__in=[])
    for kind, item_ids in by_kind.items():
        wanted |= Q(kind=kind, item_id__in=item_ids)
    return wanted


def _primaries(doc_ids: list[int]) -> tuple[QuerySet[SearchDocument], dict[tuple[str, int], int]]:
    """The items the matched documents stand for (each once, by its own document), and each
    item's rank."""
    position = {pk: at for at, pk in enumerate(doc_ids)}
    rank: dict[tuple[str, int], int] = {}
    for kind, item_id, pk in SearchDocument.objects.filter(pk__in=doc_ids).values_list(
        "kind", "item_id", "pk"
    ):
        key = (kind, item_id)
        rank[key] = min(rank.get(key, len(doc_ids)), position[pk])
    return SearchDocument.objects.filter(_of_items(rank), primary=True), rank


def search(
    *, text: str, chosen: dict[str, str], language: str, offset: int = 0, limit: int = 20
) -> Found:
    """What matches `text` (every word of it) and the facets chosen, best first; each item in
    the reader's language where it has a version in it."""
    terms = analysis.query(text)
    rank: dict[tuple[str, int], int] | None = None
    capped = False
    if terms:
        with connection.cursor() as cursor:
            doc_ids = _backend().match(cursor, terms)
        capped = len(doc_ids) >= MOST_MATCHES
        documents, rank = _primaries(doc_ids)
    elif text.strip():
        documents = SearchDocument.objects.none()  # nothing in it could be searched for
    else:
        documents = SearchDocument.objects.filter(primary=True)
    for name, value in chosen.items():
        if name in FACETS and value:
            documents = documents.filter(
                pk__in=SearchFacet.objects.filter(name=name, value=value).values("document_id")
            )
    counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        SearchFacet.objects.filter(document__in=documents)
        .values("name", "value")
        .annotate(n=Count("document_id"))
        .order_by("name", "-n", "value")
    ):
        counts[row["name"]].append((row["value"], row["n"]))
    if rank is None:
        total = documents.count()
        page = list(documents.order_by("-read_at", "-pk")[offset : offset + limit])
    else:
        ordered = sorted(documents, key=lambda d: (rank[(d.kind, d.item_id)], d.pk))
        total = len(ordered)
        page = ordered[offset : offset + limit]
    return Found(
        # Data name Chinese "zh"; the pages, "zh-hans".
        items=_in_language(page, language.split("-")[0]),
        total=total,
        facets=dict(counts),
        capped=capped,
        first=offset + 1,
    )


def _in_language(page: list[SearchDocument], language: str) -> list[SearchDocument]:
    """Each item's version in the reader's language, where there is one."""
    if not page:
        return page
    wanted = _of_items((d.kind, d.item_id) for d in page)
    versions = {
        (d.kind, d.item_id): d
        for d in SearchDocument.objects.filter(wanted, language=language, primary=False)
    }
    return [d if d.language == language else versions.get((d.kind, d.item_id), d) for d in page]
