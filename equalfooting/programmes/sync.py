"""The mechanism's own work enters the register by itself: every agreed match of a published
round, and every fund project, as a published record of source "the mechanism's own".

Run on every pass of the scheduler (and by the demo). Each pass compares what the register
holds with the matches and projects as they stand and writes only the differences, at most
BATCH records a pass, so a pass stays short even on an installation with years of projects:
the rest follow on the next passes. Idempotent: two workers passing at once write nothing
twice (the source key is unique).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from equalfooting import permissions
from equalfooting.core import languages
from equalfooting.fund.models import Project
from equalfooting.matchmaking.models import Match, Round
from equalfooting.needs.models import AssistanceRequest
from equalfooting.offers.models import Provider

from .models import Activity
from .services import audit_activity

BATCH = 500
# The fund's projects are funded by the mechanism's pooled fund; the name is data, as sources
# give names, not an interface string.
FUND_NAME = "Equal Footing assistance fund"
MODALITY_OF_KIND: dict[str, str] = {
    AssistanceRequest.Kind.TRAINING: Activity.Modality.TRAINING,
    AssistanceRequest.Kind.ADVISORY: Activity.Modality.TECHNICAL_ASSISTANCE,
    AssistanceRequest.Kind.EXERCISE: Activity.Modality.EXERCISE,
    AssistanceRequest.Kind.EQUIPMENT: Activity.Modality.EQUIPMENT,
    AssistanceRequest.Kind.ASSESSMENT: Activity.Modality.TECHNICAL_ASSISTANCE,
    AssistanceRequest.Kind.FUNDING: Activity.Modality.TECHNICAL_ASSISTANCE,
}
PHASE_OF_PROJECT: dict[str, str] = {
    Project.Status.APPROVED: Activity.Phase.PLANNED,
    Project.Status.IN_PROGRESS: Activity.Phase.ONGOING,
    Project.Status.COMPLETED: Activity.Phase.COMPLETED,
}


def _match_phase(started: bool, by_state: bool, by_provider: bool) -> str:
    """Completed once both sides report it so; ongoing once delivery started."""
    if by_state and by_provider:
        return Activity.Phase.COMPLETED
    return Activity.Phase.ONGOING if started else Activity.Phase.PLANNED


def _title_language(codes: list[str]) -> str:
    """The mechanism does not know the language its titles are written in: the first of the
    offer's languages among the six, else English."""
    return next((c for c in codes if c in languages.CODES[:6]), "en")


def _match_fields(m: Match, today: dt.date) -> dict[str, Any]:
    offer, request = m.offer, m.request
    return {
        "title": offer.title,
        "title_language": _title_language(offer.languages),
        "description": "",
        "providers": [offer.provider.name],
        "funders": [],
        "provider_kind": offer.provider.kind,
        "themes": [request.theme.split(":")[0]],
        "modality": MODALITY_OF_KIND.get(request.kind, Activity.Modality.TECHNICAL_ASSISTANCE),
        "start": offer.available_from,
        "end": offer.available_until,
        "phase": _match_phase(m.delivery_started, m.completed_by_state, m.completed_by_provider),
        "languages": [c for c in offer.languages if c in request.languages] or offer.languages,
        "source_detail": f"{request.reference} · {offer.reference}",
        "as_of": today,
        "is_synthetic": offer.is_synthetic,
    }


def _project_fields(p: Project, today: dt.date) -> dict[str, Any]:
    proposal = getattr(p, "proposal", None)
    return {
        "title": p.title,
        "title_language": "en",
        "description": "",
        "providers": [FUND_NAME],
        "funders": [FUND_NAME],
        "provider_kind": Provider.Kind.UN_ENTITY,
        "themes": [proposal.theme.split(":")[0]] if proposal else [],
        "modality": Activity.Modality.TECHNICAL_ASSISTANCE,
        "start": p.created_at.date(),
        "end": None,
        "budget": Activity.Budget.of(p.committed),
        "currency": "USD",
        "phase": PHASE_OF_PROJECT[p.status],
        "languages": [],
        "source_detail": p.reference,
        "as_of": today,
        "is_synthetic": p.is_synthetic,
    }


def _write(actor: Any, key: str, fields: dict[str, Any], state_id: int, current: Any) -> bool:
    """Create or update one mechanism record, audited; False if another pass wrote it first."""
    try:
        with transaction.atomic():
            if current is None:
                activity = Activity.objects.create(
                    **fields,
                    source=Activity.Source.MECHANISM,
                    source_key=key,
                    curation=Activity.Curation.PUBLISHED,
                )
                activity.beneficiaries.set([state_id])
                audit_activity(actor, activity, "sync")
                return True
            activity = Activity.objects.select_for_update().get(pk=current)
            for name, value in fields.items():
                setattr(activity, name, value)
            activity.save()
            audit_activity(actor, activity, "sync")
            return True
    except IntegrityError:  # a second worker created it in the same moment
        return False


def mechanism_sync(*, actor: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Bring the register's mechanism records in step with matches and projects."""
    permissions.require(actor, "activity.sync")
    today = timezone.localdate(now) if now else timezone.localdate()
    held = dict(
        Activity.objects.filter(source=Activity.Source.MECHANISM).values_list("source_key", "phase")
    )
    ids = dict(
        Activity.objects.filter(source=Activity.Source.MECHANISM).values_list("source_key", "pk")
    )
    # What each match and project should read as, compared by phase alone: the other fields
    # of an agreed match or an approved project do not change.
    wanted: dict[str, tuple[str, str, int]] = {}
    agreed = Match.objects.agreed().filter(round__status=Round.Status.PUBLISHED)
    for pk, *delivery in agreed.values_list(
        "pk", "delivery_started", "completed_by_state", "completed_by_provider"
    ):
        wanted[f"match:{pk}"] = ("match", _match_phase(*delivery), pk)
    for pk, status in Project.objects.values_list("pk", "status"):
        wanted[f"project:{pk}"] = ("project", PHASE_OF_PROJECT[status], pk)
    due = [key for key, (_kind, phase, _pk) in wanted.items() if held.get(key) != phase]
    due.sort(key=lambda k: (k.split(":")[0], int(k.split(":")[1])))
    done = {"created": 0, "updated": 0, "left_for_next_pass": max(0, len(due) - BATCH)}
    batch = due[:BATCH]
    matches = Match.objects.select_related("offer__provider", "request").in_bulk(
        [wanted[k][2] for k in batch if wanted[k][0] == "match"]
    )
    projects = Project.objects.select_related("proposal").in_bulk(
        [wanted[k][2] for k in batch if wanted[k][0] == "project"]
    )
    for key in batch:
        kind, _phase, pk = wanted[key]
        if kind == "match":
            match = matches[pk]
            fields, state_id = _match_fields(match, today), match.request.state_id
        else:
            project = projects[pk]
            fields, state_id = _project_fields(project, today), project.state_id
        if _write(actor, key, fields, state_id, ids.get(key)):
            done["updated" if key in ids else "created"] += 1
    return done
