"""The 措施台账's assignments as light rows instead of model instances.

A page of 50 measures has some 400 assignments: a Prefetch built an Assignment and a Unit for
each (and ``get_FOO_display`` per chip), which cost more than the rest of the table. One
``values_list`` query gives the same fields; the red / yellow / green and status rules stay the
model's own methods (``Assignment.light``, ``Measure.status``), borrowed by these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from html import escape

from django.db.models import QuerySet

from safetyplan import sqlmemo
from tasks.light import LightNotice, LightTask, Listed
from tasks.models import Assignment, Measure


def esc(value: object) -> str:
    """Escaped as ``{{ value }}`` or ``format_html`` would (``'`` too), for text known not to be
    markup; without django.utils.html.escape's lazy-string wrapper, on hundreds of cells."""
    return escape(str(value))


ROLE_LABELS: dict[str, str] = dict(Assignment.Role.choices)
STATUS_LABELS: dict[str, str] = dict(Assignment.Status.choices)


class UnitName:
    """What a chip reads of the unit: ``a.unit.name``."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class UnitAssignment:
    """An assignment as the measure list shows it: what ``tasks.chips.chip`` and the light and
    status rules read. The rules are the model's methods, so they cannot drift apart."""

    __slots__ = (
        "due_date", "latest_percent", "missed_periods", "role", "start_date", "status", "unit"
    )  # fmt: skip

    Status = Assignment.Status
    is_overdue = Assignment.is_overdue
    is_due_soon = Assignment.is_due_soon
    schedule_lag = Assignment.schedule_lag
    light = Assignment.light

    def get_role_display(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def get_status_display(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class Assigned(Listed):
    """A measure's assignments; ``all()`` as on a prefetched manager, for ``Measure.status``."""


class _StatusReader:
    """What ``Measure.status`` reads of a measure: its ``assignments``."""

    __slots__ = ("assignments",)

    def __init__(self, assignments: Assigned):
        self.assignments = assignments


def measure_status_of(assignments: Assigned, today: dt.date) -> str:
    """``Measure.status`` of a measure with these assignments (not withdrawn)."""
    return Measure.status(_StatusReader(assignments), today)  # type: ignore[arg-type]


FIELDS = (
    "measure_id",
    "unit_id",
    "unit__name",
    "role",
    "status",
    "due_date",
    "start_date",
    "latest_percent",
    "missed_periods",
)


def assignments_by_measure(
    measure_ids: Iterable[int], assignments: QuerySet[Assignment], *, key: Hashable = None
) -> dict[int, Assigned]:
    """The ``assignments`` (annotated with ``missed_periods``, in chip order) of each measure,
    in one query; no query when there is no measure, as with a prefetch. With ``key`` (naming
    all ``assignments`` depends on), its SQL is compiled once per key and number of measures:
    resolving the missed-periods expression was most of the 措施台账's table."""
    by_measure: dict[int, Assigned] = {pk: Assigned() for pk in measure_ids}
    if not by_measure:
        return by_measure
    units: dict[int, UnitName] = {}  # a county's units recur on every row

    def build(ids: list[int]) -> QuerySet:
        return assignments.filter(measure_id__in=ids).values_list(*FIELDS)

    ids = list(by_measure)
    rows = build(ids) if key is None else sqlmemo.value_rows_of(("chips", key), build, ids)
    for measure_id, unit_id, name, role, status, due, start, percent, missed in rows:
        a = UnitAssignment()
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = UnitName(name)
        a.unit, a.role, a.status, a.due_date = unit, role, status, due
        a.start_date, a.latest_percent, a.missed_periods = start, percent, missed
        by_measure[measure_id].append(a)
    return by_measure


# ---- the ledger's own rows: a page of measures with their task and notice ----------------------


class LedgerMeasure:
    """A measure as the ledger's cells read it (tasks/tables/measures.py · MeasureTable)."""

    __slots__ = ("due_date", "pk", "recurrence", "task", "text", "topic", "withdrawn")


LEDGER_FIELDS = (
    "pk", "text", "topic", "recurrence", "due_date", "withdrawn", "task_id", "task__number",
    "task__title", "task__notice_id", "task__notice__title", "task__notice__year",
)  # fmt: skip


def ledger_measures(values: list[tuple]) -> list[LedgerMeasure]:
    """``LEDGER_FIELDS`` of a page's measures as rows; a task's several rows share one task."""
    tasks: dict[int, LightTask] = {}
    rows = []
    for pk, text, topic, recurrence, due, withdrawn, task_id, *task_fields in values:
        task = tasks.get(task_id)
        if task is None:
            number, title, notice_id, notice_title, year = task_fields
            task, notice = LightTask(), LightNotice()
            notice.title, notice.year = notice_title, year
            task.pk, task.number, task.title, task.notice_id, task.notice = (
                task_id, number, title, notice_id, notice
            )  # fmt: skip
            tasks[task_id] = task
        m = LedgerMeasure()
        m.pk, m.text, m.topic, m.recurrence, m.due_date, m.withdrawn, m.task = (
            pk, text, topic, recurrence, due, withdrawn, task
        )  # fmt: skip
        rows.append(m)
    return rows
