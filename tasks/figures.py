"""Snapshots of a whole city's or province's figures, at most ``FIGURES_MAX_AGE`` seconds old.

Counting every assignment of a province takes seconds however the query is shaped, so the
workbench over all the counties below a city or a province (the "全部行政区划" scope) reads
a snapshot from the cache: computed by the first request after the last one aged past
``FIGURES_MAX_AGE``, or before anyone asks by ``manage.py refresh_figures`` run every minute.
The page shows when its figures were computed. One county's figures are always live.

The cache must be shared by the worker processes for this to help (the file cache under
``var/``, the default outside tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tasks import stats
from tasks.access import visible_assignments, visible_units
from units.access import Actor
from units.models import Jurisdiction

T = TypeVar("T")
VERSION = 2  # raise when a snapshot's shape changes: old pickles are then never read
WIDE_LEVELS = (Jurisdiction.Level.PROVINCE, Jurisdiction.Level.CITY)
FIGURES = ("assigned", "done", "late", "due_soon", "behind", "on_time", "expected")


@dataclass(frozen=True)
class UnitRow:
    """A unit's figures, with the attributes ``UnitFiguresTable`` and the charts read."""

    pk: int
    name: str
    place: str  # its county's name: every county has its 城关镇
    order: int
    assigned: int
    done: int
    late: int
    due_soon: int
    behind: int
    on_time: int
    expected: int
    completion_rate: float | None
    on_time_rate: float | None
    light_rank: int


@dataclass(frozen=True)
class Snapshot:
    units: list[UnitRow]
    # (jurisdiction, completion rate) for the chart: 4,800 bars, one per unit, say nothing.
    jurisdictions: list[tuple[str, float | None]]
    totals: stats.Totals
    months: list[stats.MonthRow]
    computed_at: dt.datetime


def max_age() -> int:
    return settings.FIGURES_MAX_AGE


def is_wide(actor: Actor, chosen_jurisdiction: Jurisdiction | None) -> bool:
    """Every county below a city or a province (or, for IT, everything)."""
    if chosen_jurisdiction is not None or not actor.sees_jurisdiction:
        return False
    return actor.jurisdiction is None or actor.jurisdiction.level in WIDE_LEVELS


def _key(kind: str, actor: Actor, year: int | None, on: dt.date) -> str:
    # IT sees everything whatever its profile says; the others their jurisdiction's subtree.
    everything = actor.role == "admin" or actor.jurisdiction is None
    where = "all" if everything else actor.jurisdiction.path
    return f"figures:{VERSION}:{kind}:{where}:{year or 'all'}:{on.isoformat()}"


def cached(kind: str, actor: Actor, *, year: int | None, on: dt.date) -> Any | None:
    """The snapshot of ``kind`` in the cache if it is young enough, else None. Snapshots
    carry their ``computed_at``."""
    snapshot = cache.get(_key(kind, actor, year, on))
    if snapshot is None:
        return None
    if timezone.now() - snapshot.computed_at > dt.timedelta(seconds=max_age()):
        return None
    return snapshot


def store(kind: str, actor: Actor, snapshot: T, *, year: int | None, on: dt.date) -> T:
    # Kept a little past max_age, so that a request just after sees it and recomputes once.
    cache.set(_key(kind, actor, year, on), snapshot, timeout=max_age() * 2 + 60)
    return snapshot


def get_or_compute(
    kind: str, actor: Actor, *, year: int | None, on: dt.date, compute: Callable[[], T]
) -> T:
    found = cached(kind, actor, year=year, on=on)
    return found if found is not None else store(kind, actor, compute(), year=year, on=on)


def compute(actor: Actor, *, year: int | None, on: dt.date) -> Snapshot:
    """Every unit's figures over the actor's whole reach, and the totals and months."""
    assignments = stats.scope(visible_assignments(actor), year=year)
    units_qs = visible_units(actor).select_related("jurisdiction")
    rows = list(stats.unit_figures(units_qs, assignments, on=on).order_by("order", "pk"))
    per_jurisdiction: dict[str, list[int]] = {}
    for u in rows:
        done_assigned = per_jurisdiction.setdefault(u.jurisdiction.name, [0, 0])
        done_assigned[0] += u.done
        done_assigned[1] += u.assigned
    units = [
        UnitRow(
            pk=u.pk,
            name=u.name,
            place=u.jurisdiction.name,
            order=u.order,
            completion_rate=u.completion_rate,
            on_time_rate=u.on_time_rate,
            light_rank=u.light_rank,
            **{name: getattr(u, name) for name in FIGURES},
        )
        for u in rows
    ]
    return Snapshot(
        units=units,
        jurisdictions=[
            (name, 100.0 * done / assigned if assigned else None)
            for name, (done, assigned) in per_jurisdiction.items()
        ],
        totals=stats.totals(assignments, on=on),
        months=stats.by_month(assignments, year=year or on.year, on=on),
        computed_at=timezone.now(),
    )


def refresh(actor: Actor, *, year: int | None, on: dt.date) -> Snapshot:
    return store("workbench", actor, compute(actor, year=year, on=on), year=year, on=on)


def cached_workbench(actor: Actor, *, year: int | None, on: dt.date) -> Snapshot | None:
    return cached("workbench", actor, year=year, on=on)


def workbench(actor: Actor, *, year: int | None, on: dt.date) -> Snapshot:
    """The actor's wide figures: from the cache when young enough, else computed now."""
    return get_or_compute(
        "workbench", actor, year=year, on=on, compute=lambda: compute(actor, year=year, on=on)
    )
