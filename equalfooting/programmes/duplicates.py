"""Duplicates found, not hidden: candidate pairs for the curator, merges that can be undone, and
pairs kept apart. The rule that finds candidates is `domain.duplicates`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from equalfooting import permissions
from equalfooting.audit.services import audit_append
from equalfooting.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from equalfooting.domain import duplicates
from equalfooting.domain.text import fold
from equalfooting.registry.models import State

from .models import Activity, KeptApart, Merge
from .services import audit_activity

# What a merge joins, and so what undoing it restores.
MERGED_FIELDS = ("providers", "funders", "themes", "languages", "start", "end")


def _considered() -> QuerySet[Activity]:
    """Records a duplicate may hide among: not declined, not already merged."""
    return Activity.objects.filter(merged_into__isnull=True).exclude(
        curation=Activity.Curation.DECLINED
    )


def candidate_pairs() -> list[tuple[duplicates.Candidate, Activity, Activity]]:
    """Every candidate pair, with both records, for the curator's page."""
    rows = {a.pk: a for a in _considered().prefetch_related("beneficiaries")}
    records = [
        duplicates.Record(
            key=a.pk,
            names=frozenset(a.providers) | frozenset(a.funders),
            reach=frozenset(s.iso3 for s in a.beneficiaries.all())
            | ({f"region:{a.beneficiary_region_id}"} if a.beneficiary_region_id else set())
            | ({f"group:{a.beneficiary_group_id}"} if a.beneficiary_group_id else set()),
            themes=frozenset(a.themes),
            start=a.start,
            end=a.end,
            title=a.title,
            language=a.title_language,
        )
        for a in rows.values()
    ]
    kept_apart = set(KeptApart.objects.values_list("first_id", "second_id"))
    return [(c, rows[c.first], rows[c.second]) for c in duplicates.candidates(records, kept_apart)]


def merge_from_id(*, merge_id: int, **_ignored: Any) -> Merge:
    found = Merge.objects.select_related("kept", "absorbed").filter(pk=merge_id).first()
    if found is None:
        raise NotFound(_("No such merge."))
    return found


def merges_standing() -> QuerySet[Merge]:
    return Merge.objects.filter(undone_at__isnull=True).select_related("kept", "absorbed")


def _union(first: list[str], second: list[str]) -> list[str]:
    """Both lists' entries, the first's order first, each once (names compared folded)."""
    seen = {fold(v) for v in first}
    return [*first, *(v for v in second if fold(v) not in seen)]


def _snapshot(a: Activity) -> dict[str, Any]:
    return {
        "providers": a.providers,
        "funders": a.funders,
        "themes": a.themes,
        "languages": a.languages,
        "start": a.start.isoformat() if a.start else None,
        "end": a.end.isoformat() if a.end else None,
        "beneficiaries": sorted(s.iso3 for s in a.beneficiaries.all()),
    }


def _locked(*keys: int) -> list[Activity]:
    rows = {a.pk: a for a in Activity.objects.select_for_update().filter(pk__in=keys)}
    if len(rows) != len(set(keys)):
        raise NotFound(_("No such record."))
    return [rows[k] for k in keys]


@transaction.atomic
def activity_merge(*, actor: Any, kept: Activity, absorbed: Activity) -> Merge:
    """`absorbed` is merged into `kept`: the kept record takes both records' providers,
    funders, beneficiaries, themes and languages and the span of both records' dates; the
    absorbed one is no longer listed or counted. Audited on both; undone by `merge_undo`."""
    permissions.require(actor, "activity.curate", kept)
    if kept.pk == absorbed.pk:
        raise InvalidInput({"absorbed": _("A record cannot be merged into itself.")})
    kept, absorbed = _locked(kept.pk, absorbed.pk)
    if kept.merged_into_id or absorbed.merged_into_id:
        raise TransitionNotAllowed(_("One of these records is already merged into another."))
    merge = Merge.objects.create(
        kept=kept, absorbed=absorbed, before=_snapshot(kept), merged_by=permissions.person(actor)
    )
    kept.providers = _union(kept.providers, absorbed.providers)
    kept.funders = _union(kept.funders, absorbed.funders)
    kept.themes = _union(kept.themes, absorbed.themes)
    kept.languages = _union(kept.languages, absorbed.languages)
    starts = [d for d in (kept.start, absorbed.start) if d]
    kept.start = min(starts) if len(starts) == 2 else None
    ends = [d for d in (kept.end, absorbed.end) if d]
    kept.end = max(ends) if len(ends) == 2 else None
    kept.save()
    kept.beneficiaries.add(*absorbed.beneficiaries.all())
    absorbed.merged_into = kept
    absorbed.save(update_fields=["merged_into", "updated_at"])
    audit_activity(actor, kept, "merge")
    audit_activity(actor, absorbed, "merged_into")
    return merge


@transaction.atomic
def merge_undo(*, actor: Any, merge: Merge) -> Merge:
    """Undo a merge exactly: the kept record gets back what it was, the absorbed one stands on
    its own again. Only the latest standing merge into a record can be undone (an earlier
    one's record of "before" no longer describes it)."""
    permissions.require(actor, "activity.curate", merge.kept)
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise TransitionNotAllowed(_("This merge was undone already."))
    latest = merges_standing().filter(kept_id=merge.kept_id).order_by("-pk").first()
    if latest is None or latest.pk != merge.pk:
        raise TransitionNotAllowed(
            _("Undo the later merges into this record first: this one no longer describes it.")
        )
    kept, absorbed = _locked(merge.kept_id, merge.absorbed_id)
    before = merge.before
    for name in ("providers", "funders", "themes", "languages"):
        setattr(kept, name, before[name])
    kept.start = dt.date.fromisoformat(before["start"]) if before["start"] else None
    kept.end = dt.date.fromisoformat(before["end"]) if before["end"] else None
    kept.save()
    kept.beneficiaries.set(State.objects.filter(iso3__in=before["beneficiaries"]))
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    audit_activity(actor, kept, "merge_undone")
    audit_activity(actor, absorbed, "merge_undone")
    return merge


@transaction.atomic
def keep_apart(*, actor: Any, first: Activity, second: Activity) -> KeptApart:
    """The curator found the two records to be different activities: the pair is not proposed
    again."""
    permissions.require(actor, "activity.curate", first)
    low, high = sorted((first.pk, second.pk))
    if low == high:
        raise InvalidInput({"second": _("A record cannot be kept apart from itself.")})
    decision, _created = KeptApart.objects.get_or_create(
        first_id=low, second_id=high, defaults={"decided_by": permissions.person(actor)}
    )
    audit_append(
        actor=actor,
        action="programmes.activity.kept_apart",
        object_type="activity_pair",
        object_id=f"{low}-{high}",
        state={"first": low, "second": high},
        public=first.is_public and second.is_public,
    )
    return decision
