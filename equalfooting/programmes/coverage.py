"""The coverage matrix: for each State and theme, need against capacity-building activity.

Need is a State's public self-assessment gaps (indicators below its target) and its published
requests still waiting to be met; activity is the register's activities in the theme that reach
the State (named, or through a region or group they serve), current or ended within the last
three years. A State's row uses public data only: its latest *public* self-assessment, its
published requests, the public records of the register; so nothing confidential can be read off
it, and a confidential assessment changes none of its cells. Confidential assessments, and the
records a State keeps to aggregates, count only in the rows of groups of at least three States
(regions, income groups, LDC, LLDC, SIDS), where no one State's answers can be singled out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from equalfooting.domain import coverage
from equalfooting.domain.coverage import Cell
from equalfooting.needs import framework as fw
from equalfooting.needs import scoring
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.registry.models import Group, Region, State

from .models import Activity

WINDOW_YEARS = 3
# A request still waits to be met from its submission until it is matched, closed or withdrawn.
WAITING = (
    AssistanceRequest.Status.SUBMITTED,
    AssistanceRequest.Status.SCREENING,
    AssistanceRequest.Status.RETURNED,
    AssistanceRequest.Status.OPEN,
    AssistanceRequest.Status.PARTLY_MATCHED,
)
# A group's row is shown only when it has at least this many States.
MIN_GROUP = 3


@dataclass(frozen=True)
class Matrix:
    themes: list[str]
    # (row key, the States or group it stands for, its cells by theme); a State's key is its
    # ISO code, a group's "region:002", "income:L" or "group:LDC".
    rows: list[tuple[str, object, dict[str, Cell]]]
    since: dt.date
    until: dt.date


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The current year and the three before it, to the day (29 February falls back a day)."""
    try:
        since = today.replace(year=today.year - WINDOW_YEARS)
    except ValueError:
        since = today.replace(year=today.year - WINDOW_YEARS, day=28)
    return since, today


def _themes() -> list[str]:
    return [d.code for d in fw.load().dimensions]


def _reach(
    *, public_only: bool, since: dt.date, until: dt.date, only: State | None = None
) -> dict[int, tuple[list[str], set[int]]]:
    """For each activity counted: its themes and the States it reaches (with `only`, the
    activities that reach that State)."""
    rows = Activity.objects.filter(
        curation=Activity.Curation.PUBLISHED, merged_into__isnull=True
    ).exclude(phase=Activity.Phase.CANCELLED)
    if only is not None:
        rows = rows.filter(
            Q(pk__in=Activity.beneficiaries.through.objects.filter(state=only).values("activity"))
            | Q(beneficiary_region__in=[only.region_id, only.subregion_id])
            | Q(beneficiary_group__in=only.groups.all())
        )
    rows = rows.filter(Q(end__isnull=True) | Q(end__gte=since)).filter(
        Q(start__isnull=True) | Q(start__lte=until)
    )
    if public_only:
        rows = rows.filter(aggregate_only=False)
    found = list(rows.values_list("pk", "themes", "beneficiary_region_id", "beneficiary_group_id"))
    named: dict[int, set[int]] = defaultdict(set)
    for activity_id, state_id in Activity.beneficiaries.through.objects.filter(
        activity_id__in=[pk for pk, *_rest in found]
    ).values_list("activity_id", "state_id"):
        named[activity_id].add(state_id)
    in_region: dict[str, set[int]] = defaultdict(set)
    for pk, region, subregion in State.objects.values_list("pk", "region_id", "subregion_id"):
        in_region[region].add(pk)
        in_region[subregion].add(pk)
    in_group: dict[int, set[int]] = defaultdict(set)
    for state_id, group_id in State.groups.through.objects.values_list("state_id", "group_id"):
        in_group[group_id].add(state_id)
    reach = {}
    for pk, themes, region, group in found:
        states = set(named[pk])
        if region:
            states |= in_region[region]
        if group:
            states |= in_group[group]
        reach[pk] = (list(themes), states)
    return reach


def _gaps(*, public_only: bool, only: State | None = None) -> dict[int, Counter[str]]:
    """Each State's gaps by theme, from its latest submitted self-assessment (its latest public
    one, with `public_only`)."""
    rows = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    if only is not None:
        rows = rows.filter(state=only)
    if public_only:
        rows = rows.filter(visibility=Assessment.Visibility.PUBLIC)
    latest: dict[int, Assessment] = {}
    for a in rows.order_by("state_id", "-version").only(
        "state_id", "version", "framework_version", "answers", "targets"
    ):
        latest.setdefault(a.state_id, a)
    gaps: dict[int, Counter[str]] = {}
    for state_id, a in latest.items():
        framework = fw.load(a.framework_version)
        dimension_of = {i.code: i.dimension for i in framework.indicators}
        gaps[state_id] = Counter(
            dimension_of[code] for code in scoring.indicator_gaps(framework, a.answers, a.targets)
        )
    return gaps


def _requests(only: State | None = None) -> dict[int, Counter[str]]:
    """Each State's published requests still waiting to be met, by theme."""
    waiting: dict[int, Counter[str]] = defaultdict(Counter)
    rows = AssistanceRequest.objects.public().filter(status__in=WAITING)
    if only is not None:
        rows = rows.filter(state=only)
    for state_id, theme, n in (
        rows.values_list("state_id", "theme").annotate(n=Count("pk")).order_by()
    ):
        waiting[state_id][theme.split(":")[0]] += n
    return waiting


def state_matrix(today: dt.date | None = None, *, only: State | None = None) -> Matrix:
    """Every State's row (or, with `only`, that State's), from public data only."""
    since, until = window(today or timezone.localdate())
    themes = _themes()
    states = [only] if only is not None else list(State.objects.order_by("iso3"))
    gaps, requests = _gaps(public_only=True, only=only), _requests(only)
    activities: Counter[tuple[int, str]] = Counter()
    reach = _reach(public_only=True, since=since, until=until, only=only)
    counted = {s.pk for s in states}
    for activity_themes, reached in reach.values():
        for state_id in reached & counted:
            for theme in activity_themes:
                activities[(state_id, theme)] += 1
    key = {s.pk: s.iso3 for s in states}
    matrix = coverage.cells(
        [s.iso3 for s in states],
        themes,
        {(key[s], t): n for s, counts in gaps.items() for t, n in counts.items()},
        {(key[s], t): n for s, counts in requests.items() for t, n in counts.items()},
        {(key[s], t): n for (s, t), n in activities.items()},
    )
    return Matrix(themes, [(s.iso3, s, matrix[s.iso3]) for s in states], since, until)


def _groups() -> list[tuple[str, object, set[int]]]:
    """The groups of States with a row of their own: (key, the group, its States)."""
    groups: list[tuple[str, object, set[int]]] = []
    states = list(State.objects.values_list("pk", "region_id", "income_group"))
    for region in Region.objects.filter(parent__isnull=True).order_by("m49"):
        groups.append(
            (f"region:{region.m49}", region, {pk for pk, r, _i in states if r == region.m49})
        )
    for code, label in State.IncomeGroup.choices:
        groups.append((f"income:{code}", label, {pk for pk, _r, i in states if i == code}))
    for group in Group.objects.prefetch_related("states").order_by("code"):
        groups.append((f"group:{group.code}", group, {s.pk for s in group.states.all()}))
    return [g for g in groups if len(g[2]) >= MIN_GROUP]


def group_matrix(today: dt.date | None = None) -> Matrix:
    """The rows of groups of States, where confidential self-assessments and records kept to
    aggregates count too: a group's cell sums its States' gaps and waiting requests, and counts
    the activities that reach at least one of its States."""
    since, until = window(today or timezone.localdate())
    themes = _themes()
    groups = _groups()
    gaps, requests = _gaps(public_only=False), _requests()
    reach = _reach(public_only=False, since=since, until=until)
    groups_of: dict[int, set[str]] = defaultdict(set)
    for key, _group, members in groups:
        for state_id in members:
            groups_of[state_id].add(key)
    activity_cells: Counter[tuple[str, str]] = Counter()
    for activity_themes, reached in reach.values():
        # Each activity counts once in a group, however many of its States it reaches.
        for key in set().union(*(groups_of[s] for s in reached)) if reached else ():
            for theme in activity_themes:
                activity_cells[(key, theme)] += 1
    gap_cells, request_cells = {}, {}
    for key, _group, members in groups:
        for theme in themes:
            gap_cells[(key, theme)] = sum(gaps.get(s, Counter())[theme] for s in members)
            request_cells[(key, theme)] = sum(requests.get(s, Counter())[theme] for s in members)
    matrix = coverage.cells(
        [k for k, *_ in groups], themes, gap_cells, request_cells, activity_cells
    )
    return Matrix(themes, [(k, g, matrix[k]) for k, g, _m in groups], since, until)


def state_row(state: State, today: dt.date | None = None) -> dict[str, Cell]:
    """One State's row (its page shows it): the same cells as the matrix's, read for it alone."""
    return state_matrix(today, only=state).rows[0][2]


def unmet_map_values(theme: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per State (by M49 code), for the map: its need in the theme where it meets no activity,
    else 0."""
    matrix = state_matrix(today)
    values: list[dict[str, Any]] = []
    for _key, state, cells in matrix.rows:
        cell = cells.get(theme)
        unmet = cell is not None and cell.status == coverage.UNMET
        assert isinstance(state, State)
        values.append(
            {
                "m49": state.m49,
                "name": state.name,
                "iso3": state.iso3,
                "value": float(cell.need) if unmet and cell else 0.0,
            }
        )
    return values
