"""The register's pages: the public list and records, proposing a record, curating."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from equalfooting import permissions
from equalfooting.core import languages
from equalfooting.core.errors import InvalidFile, InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.core.forms import attach_errors
from equalfooting.core.i18n import pick
from equalfooting.core.paging import keyset_page
from equalfooting.needs import framework as fw
from equalfooting.needs.labels import theme_label
from equalfooting.offers.models import Provider
from equalfooting.registry.models import Group, Region

from . import (
    corrections,
    coverage,
    duplicates,
    imports,
    search,
    selectors,
    services,
    spreadsheet,
    workflow,
)
from .forms import ActivityForm, CorrectionForm, CurationForm
from .labels import STATUS
from .models import Activity, Correction, SearchDocument
from .selectors import activity_from_id


def labels(a: Activity) -> dict[str, Any]:
    """The record's codes as names in the reader's language."""
    return {
        "themes": [theme_label(code) for code in a.themes],
        "languages": [languages.name(c) for c in a.languages],
        "title_language": languages.name(a.title_language),
        "provider_kind": Provider.Kind(a.provider_kind).label
        if a.provider_kind in Provider.Kind.values
        else a.provider_kind,
        "beneficiaries": sorted(a.beneficiaries.all(), key=lambda s: s.name),
    }


def _year(raw: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise InvalidInput({"year": _("Give a year as four digits.")})
    return int(raw)


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    chosen = {
        name: request.GET.get(name, "").strip()
        for name in ("theme", "state", "region", "modality", "source", "provider_kind", "year")
    }
    rows = selectors.register_public(
        theme=chosen["theme"],
        iso3=chosen["state"],
        region=chosen["region"],
        modality=chosen["modality"],
        source=chosen["source"],
        provider_kind=chosen["provider_kind"],
        year=_year(chosen["year"]),
    )
    page = keyset_page(rows, request)
    return render(
        request,
        "programmes/register.html",
        {
            "activities": [(a, labels(a)) for a in page],
            "page": page,
            "chosen": chosen,
            "facets": {
                "theme": [(d.code, pick(d.name)) for d in fw.load().dimensions],
                "region": [(r.m49, r.name) for r in Region.objects.filter(parent__isnull=True)],
                "modality": Activity.Modality.choices,
                "source": Activity.Source.choices,
                "provider_kind": Provider.Kind.choices,
            },
            "can_propose": permissions.can(request.user, "activity.propose"),
            "can_curate": permissions.can(request.user, "activity.curate"),
            "can_import": permissions.can(request.user, "activity.import"),
        },
    )


def _steps(activity: Activity) -> list[dict[str, Any]]:
    return [
        {"target": t, "label": workflow.ACTIONS[t], "needs_note": t in workflow.NOTE_REQUIRED}
        for t in sorted(workflow.TRANSITIONS[activity.curation])
    ]


def _changes_shown(correction: Correction) -> list[tuple[str, str]]:
    """A correction's changes as the curator reads them: the column's name, the new value."""
    return [
        (
            spreadsheet.label(name),
            "; ".join(map(str, value)) if isinstance(value, list) else str(value or "—"),
        )
        for name, value in correction.changes.items()
    ]


def _render_activity(
    request: HttpRequest, activity: Activity, *, form: CurationForm | None = None, status: int = 200
) -> HttpResponse:
    can_curate = permissions.can(request.user, "activity.curate", activity)
    return render(
        request,
        "programmes/activity_detail.html",
        {
            "activity": activity,
            "labels": labels(activity),
            "steps": _steps(activity) if can_curate else [],
            "form": form or CurationForm(),
            "can_keep_to_aggregates": not activity.aggregate_only
            and permissions.can(request.user, "activity.aggregate", activity),
            "can_correct": activity.merged_into_id is None
            and permissions.can(request.user, "activity.correct", activity),
            # The corrections waiting for a decision, for the Secretariat to decide here.
            "corrections": [
                (c, _changes_shown(c))
                for c in activity.corrections.filter(status=Correction.Status.SUBMITTED)
            ]
            if can_curate
            else [],
        },
        status=status,
    )


@require_safe
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_from_id(activity_id=activity_id)
    if not permissions.can(request.user, "activity.view", activity):
        raise NotFound(_("No such record."))
    return _render_activity(request, activity)


@require_http_methods(["GET", "POST"])
@permissions.guard("activity.propose")
def activity_propose(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, initial={"title_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_propose(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The record was submitted. The Secretariat curates it before it is published."),
            )
            return redirect("programmes:activity_detail", activity_id=activity.pk)
    return render(
        request, "programmes/activity_form.html", {"form": form}, status=422 if form.errors else 200
    )


@require_safe
@permissions.guard("activity.curate")
def curation_queue(request: HttpRequest) -> HttpResponse:
    page = keyset_page(selectors.curation_queue(), request)
    return render(
        request,
        "programmes/curation_queue.html",
        {
            "activities": [(a, labels(a)) for a in page],
            "page": page,
            "corrections": corrections.corrections_waiting()[:100],
        },
    )


@require_POST
@permissions.guard("activity.curate", load=activity_from_id)
def activity_curate(request: HttpRequest, activity_id: int, obj: Activity) -> HttpResponse:
    form = CurationForm(request.POST)
    if form.is_valid():
        try:
            services.activity_curate(
                actor=request.user,
                activity=obj,
                target=request.POST.get("target", ""),
                note=form.cleaned_data["note"],
            )
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _render_activity(request, obj, status=409)
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The record's curation was updated."))
            return redirect("programmes:activity_detail", activity_id=obj.pk)
    return _render_activity(request, obj, form=form, status=422)


@require_POST
@permissions.guard("activity.aggregate", load=activity_from_id)
def activity_keep_to_aggregates(
    request: HttpRequest, activity_id: int, obj: Activity
) -> HttpResponse:
    services.activity_keep_to_aggregates(actor=request.user, activity=obj)
    messages.success(
        request, _("The record is now shown only in aggregate figures, never on its own.")
    )
    return redirect("programmes:activity_detail", activity_id=obj.pk)


SEARCH_PAGE = 20
FACET_NAMES = {
    "kind": gettext_lazy("Kind"),
    "theme": gettext_lazy("Theme"),
    "region": gettext_lazy("Region"),
    "group": gettext_lazy("Group"),
    "modality": gettext_lazy("Modality"),
    "year": gettext_lazy("Year"),
    "provider_kind": gettext_lazy("Type of provider"),
    "source": gettext_lazy("Source"),
}
RESULT_URL: dict[str, tuple[str, str]] = {
    SearchDocument.Kind.ACTIVITY: ("programmes:activity_detail", "activity_id"),
    SearchDocument.Kind.REQUEST: ("needs:request_detail", "request_id"),
    SearchDocument.Kind.OFFER: ("offers:offer_detail", "offer_id"),
    SearchDocument.Kind.DOCUMENT: ("programmes:document_detail", "document_id"),
}


def facet_label(name: str, value: str, regions: dict[str, str]) -> str:
    """A facet's value as the reader reads it."""
    choices: dict[str, Any] = {
        "kind": dict(SearchDocument.Kind.choices),
        "modality": dict(Activity.Modality.choices),
        "provider_kind": dict(Provider.Kind.choices),
        "source": dict(Activity.Source.choices),
        "group": Group.LABELS,
    }
    if name == "theme":
        return theme_label(value)
    if name == "region":
        return regions.get(value, value)
    return str(choices.get(name, {}).get(value, value))


def _page_number(raw: str) -> int:
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= 10_000):
        raise InvalidInput({"page": _("Give a page number.")})
    return int(raw)


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    chosen = {name: request.GET.get(name, "").strip()[:40] for name in search.FACETS}
    number = _page_number(request.GET.get("page", ""))
    found = search.search(
        text=text,
        chosen=chosen,
        language=request.LANGUAGE_CODE,
        offset=(number - 1) * SEARCH_PAGE,
        limit=SEARCH_PAGE,
    )
    regions = {r.m49: r.name for r in Region.objects.all()}
    return render(
        request,
        "programmes/search.html",
        {
            "text": text,
            "found": found,
            "results": [
                (d, reverse(RESULT_URL[d.kind][0], kwargs={RESULT_URL[d.kind][1]: d.item_id}))
                for d in found.items
            ],
            "facets": [
                (
                    name,
                    FACET_NAMES[name],
                    [(v, facet_label(name, v, regions), n) for v, n in found.facets.get(name, [])],
                    chosen[name],
                )
                for name in search.FACETS
                if found.facets.get(name) or chosen[name]
            ],
            "number": number,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number * SEARCH_PAGE < found.total else None,
            "pages": max(1, -(-found.total // SEARCH_PAGE)),
        },
    )


@require_safe
def coverage_matrix(request: HttpRequest) -> HttpResponse:
    """Need against activity, State by State and group by group, theme by theme."""
    states, groups = coverage.state_matrix(), coverage.group_matrix()
    return render(
        request,
        "programmes/coverage.html",
        {
            "themes": [(code, theme_label(code)) for code in states.themes],
            "states": states,
            "groups": [(_group_label(key, group), cells) for key, group, cells in groups.rows],
            "statuses": STATUS,
        },
    )


def _group_label(key: str, group: Any) -> str:
    kind = key.split(":")[0]
    if kind == "region":
        return str(group.name)
    if kind == "group":
        return str(group.label)
    return str(group)  # an income group's label


@require_safe
@permissions.guard("activity.curate")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """The candidate pairs side by side, to merge or keep apart; and the merges standing."""
    return render(
        request,
        "programmes/duplicates.html",
        {
            "pairs": [
                (c, (a, labels(a)), (b, labels(b))) for c, a, b in duplicates.candidate_pairs()
            ],
            "merges": duplicates.merges_standing()[:100],
        },
    )


def _posted_record(request: HttpRequest, name: str) -> Activity:
    raw = request.POST.get(name, "")
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput({name: _("Name a record.")})
    return activity_from_id(activity_id=int(raw))


@require_POST
@permissions.guard("activity.curate")
def duplicate_merge(request: HttpRequest) -> HttpResponse:
    kept, absorbed = _posted_record(request, "kept"), _posted_record(request, "absorbed")
    duplicates.activity_merge(actor=request.user, kept=kept, absorbed=absorbed)
    messages.success(
        request,
        _("%(absorbed)s was merged into %(kept)s. The merge can be undone below.")
        % {"absorbed": absorbed.reference, "kept": kept.reference},
    )
    return redirect("programmes:duplicates")


@require_POST
@permissions.guard("activity.curate")
def duplicate_keep_apart(request: HttpRequest) -> HttpResponse:
    first, second = _posted_record(request, "first"), _posted_record(request, "second")
    duplicates.keep_apart(actor=request.user, first=first, second=second)
    messages.success(request, _("The two records are kept apart and not proposed again."))
    return redirect("programmes:duplicates")


@require_POST
@permissions.guard("activity.curate", load=duplicates.merge_from_id)
def merge_undo(request: HttpRequest, merge_id: int, obj: Any) -> HttpResponse:
    duplicates.merge_undo(actor=request.user, merge=obj)
    messages.success(request, _("The merge was undone: both records stand on their own again."))
    return redirect("programmes:duplicates")


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The public register as the import's template: headers and labels in the reader's
    language; edit it and give it back to the import."""
    if fmt not in CONTENT_TYPES:
        raise NotFound(_("No such dataset or format."))
    rows = selectors.register_public().order_by("pk")
    response = HttpResponse(spreadsheet.export_file(rows, fmt), content_type=CONTENT_TYPES[fmt])
    day = timezone.localdate().isoformat()
    name = f"register-{request.LANGUAGE_CODE}-{day}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# What each row of a dry run would do, as the importer reads it.
ACTION_LABELS = {
    spreadsheet.CREATE: gettext_lazy("Create"),
    spreadsheet.UPDATE: gettext_lazy("Change"),
    spreadsheet.UNCHANGED: gettext_lazy("Nothing to change"),
    spreadsheet.REFUSED: gettext_lazy("Refused"),
}


def _plan_context(plans: list[spreadsheet.RowPlan]) -> dict[str, Any]:
    return {
        "rows": [
            {
                "plan": p,
                "action": ACTION_LABELS[p.action],
                "refused": p.action == spreadsheet.REFUSED,
                "changed": [spreadsheet.label(k) for k in p.changed],
                "errors": [(spreadsheet.label(k), reason) for k, reason in p.errors],
            }
            for p in plans
        ],
        "counts": spreadsheet.summary(plans),
        "refused": any(p.action == spreadsheet.REFUSED for p in plans),
    }


@require_http_methods(["GET", "POST"])
@permissions.guard("activity.import")
def register_import(request: HttpRequest) -> HttpResponse:
    """Give a spreadsheet; see row by row what would be created, changed or refused, and
    why; nothing is written until the import is confirmed."""
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        given = request.FILES.get("file")
        if given is None:
            context["error"] = _("Choose a file.")
            status = 422
        else:
            try:
                batch, plans = imports.import_dry_run(
                    actor=request.user, file_name=given.name or "", content=given.read()
                )
            except InvalidFile as exc:
                context["error"] = str(exc)
                status = 422
            else:
                context.update(_plan_context(plans), batch=batch)
    return render(request, "programmes/import.html", context, status=status)


@require_POST
@permissions.guard("activity.import", load=imports.batch_from_id)
def register_import_apply(request: HttpRequest, batch_id: int, obj: Any) -> HttpResponse:
    try:
        counts = imports.import_apply(actor=request.user, batch=obj)
    except (InvalidFile, TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
        return redirect("programmes:register_import")
    messages.success(
        request,
        _("Imported: %(created)s records created, %(updated)s changed, %(unchanged)s unchanged.")
        % {
            "created": counts["create"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
        },
    )
    return redirect("programmes:register")


@require_http_methods(["GET", "POST"])
@permissions.guard("activity.correct", load=activity_from_id)
def activity_correct(request: HttpRequest, activity_id: int, obj: Activity) -> HttpResponse:
    """Propose a correction: the record as it should read, and why."""
    form = CorrectionForm(request.POST or None, initial=CorrectionForm.initial_from(obj))
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        reason = fields.pop("reason")
        try:
            corrections.correction_propose(
                actor=request.user, activity=obj, reason=reason, **fields
            )
        except InvalidInput as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The correction was submitted. The Secretariat decides on it.")
            )
            return redirect("programmes:activity_detail", activity_id=obj.pk)
    return render(
        request,
        "programmes/correction_form.html",
        {"form": form, "activity": obj},
        status=422 if form.errors else 200,
    )


@require_POST
@permissions.guard("activity.curate", load=corrections.correction_from_id)
def correction_decide(request: HttpRequest, correction_id: int, obj: Correction) -> HttpResponse:
    try:
        corrections.correction_decide(
            actor=request.user,
            correction=obj,
            accept=request.POST.get("decision") == "accept",
            note=request.POST.get("note", ""),
        )
    except (InvalidInput, TransitionNotAllowed) as exc:
        messages.error(
            request, " ".join(exc.messages) if isinstance(exc, InvalidInput) else str(exc)
        )
    else:
        messages.success(request, _("The correction was decided."))
    return redirect("programmes:activity_detail", activity_id=obj.activity_id)
