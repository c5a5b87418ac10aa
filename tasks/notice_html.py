"""The measures of a notice page (通知详情), fetched as plain rows and written as HTML in Python.

A county notice has some 200 measures and 700 unit chips: model instances for each row and a
template include per measure and per chip were nine tenths of the page's time. The rows here
borrow the rule methods of ``Assignment`` and ``Measure`` (light, status), so that the rules
stay in one place, and the markup is that of the partial it replaced
(tests/tasks/test_notice_pages.py keeps the old template and compares the two).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django.db.models import Case, IntegerField, Value, When
from django.utils.safestring import SafeString, mark_safe

from tasks.chips import chip
from tasks.models import Assignment, Measure, Notice, Recurrence
from tasks.tables import assignment_light, light_html, measure_light, measure_status

ROLE_ORDER = Case(
    *[When(role=r, then=Value(i)) for i, r in enumerate(Assignment.Role.values)],
    output_field=IntegerField(),
)
_ROLES = dict(Assignment.Role.choices)
_STATUSES = dict(Assignment.Status.choices)
_RECURRENCES = dict(Recurrence.choices)
_DONE_LABEL = Assignment.Status.DONE.label
_ASSIGNMENT_FIELDS = (
    "measure_id",
    "unit__name",
    "role",
    "status",
    "due_date",
    "start_date",
    "latest_percent",
    "missed_periods",
)
_MEASURE_FIELDS = ("id", "task_id", "text", "topic", "recurrence", "due_date", "withdrawn")


class _Unit:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class AssignmentRow:
    """What a chip and the lights read of an assignment, without a model instance."""

    __slots__ = (
        "due_date",
        "latest_percent",
        "missed_periods",
        "role",
        "start_date",
        "status",
        "unit",
    )
    # The model's own rules, borrowed: they read only the attributes above (``light`` reads
    # ``missed_periods_list`` only when no ``missed_periods`` is given, and it always is).
    Status = Assignment.Status
    is_overdue = Assignment.is_overdue
    is_due_soon = Assignment.is_due_soon
    schedule_lag = Assignment.schedule_lag
    light = Assignment.light

    def __init__(self, row: tuple, units: dict[str, _Unit]):
        (_, name, self.role, self.status, self.due_date) = row[:5]
        (self.start_date, self.latest_percent, self.missed_periods) = row[5:]
        unit = units.get(name)
        if unit is None:
            unit = units[name] = _Unit(name)
        self.unit = unit

    def get_role_display(self) -> str:
        return _ROLES.get(self.role, self.role)

    def get_status_display(self) -> str:
        return _STATUSES.get(self.status, self.status)


class _Assignments(list):
    """A measure's assignments, read by ``Measure.status`` as ``measure.assignments.all()``."""

    def all(self) -> _Assignments:
        return self


class MeasureRow:
    """A measure with its assignments (lead first), its status and light."""

    __slots__ = (
        "assignments",
        "due_date",
        "light_value",
        "pk",
        "recurrence",
        "status_label",
        "task_id",
        "text",
        "topic",
        "unit_chips",
        "withdrawn",
    )
    status = Measure.status  # the model's rule, reading ``assignments.all()``

    def __init__(self, row: tuple):
        (self.pk, self.task_id, self.text, self.topic, self.recurrence) = row[:5]
        (self.due_date, self.withdrawn) = row[5:]
        self.assignments = _Assignments()


def notice_measures(notice: Notice, today: dt.date) -> list[MeasureRow]:
    """Every measure of ``notice`` in task order, with its assignments: two queries."""
    measures = [
        MeasureRow(row)
        for row in Measure.objects.filter(task__notice=notice)
        .order_by("order", "id")
        .values_list(*_MEASURE_FIELDS)
    ]
    by_id = {m.pk: m for m in measures}
    assignments = (
        Assignment.objects.filter(measure__task__notice=notice)
        .with_missed_periods(on=today)
        .order_by(ROLE_ORDER, "unit__order", "unit_id")
        .values_list(*_ASSIGNMENT_FIELDS)
    )
    units: dict[str, _Unit] = {}
    for row in assignments:
        by_id[row[0]].assignments.append(AssignmentRow(row, units))
    return measures


def decorate(measure: MeasureRow, today: dt.date, summary: dict) -> None:
    """Attach what the page shows (status, lights) and count the notice's figures."""
    measure.status_label = measure_status(measure, today)
    measure.light_value = measure_light(measure, today)
    measure.unit_chips = [
        (a, "" if measure.withdrawn else assignment_light(a, today)) for a in measure.assignments
    ]
    if measure.withdrawn:
        summary["withdrawn"] += 1
        return
    summary["measures"] += 1
    summary["unassigned"] += not measure.unit_chips
    summary["red"] += measure.light_value == "red"
    summary["done"] += measure.status_label == _DONE_LABEL


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


_STATUS_CLASS = {"逾期": " mstatus-late", "已办结": " mstatus-done"}


class ChipCache(dict):
    """Chips by what they show: a county's townships recur on measure after measure."""

    def get_html(self, a: AssignmentRow, light: str) -> str:
        key = (a.unit.name, a.role, a.status, a.due_date, light)
        html = self.get(key)
        if html is None:
            html = self[key] = chip(a, light)
        return html


def measure_html(m: MeasureRow, cache: ChipCache) -> str:
    """One ``<li>`` of the list, as the old tasks/partials/notice_measures.html wrote it."""
    withdrawn = m.withdrawn
    topic = f"<strong>{escape(m.topic)}：</strong>" if m.topic else ""
    if m.unit_chips:
        chips = "".join(cache.get_html(a, light) for a, light in m.unit_chips)
    else:
        chips = '<span class="muted">未分配单位</span>'
    recurrence = escape(_RECURRENCES.get(m.recurrence, m.recurrence)) if m.recurrence else "一次性"
    due = f"{_date(m.due_date)}前" if m.due_date else "未设时限"
    status = m.status_label
    light = light_html(m.light_value) if m.light_value else ""
    return (
        f'<li id="measure-{m.pk}"'
        + (' class="withdrawn" title="此措施已在通知修订后撤销，保留记录"' if withdrawn else "")
        + '>\n<div class="measure-row">\n<div class="measure-body">\n'
        f'<span class="measure-words">{topic}{escape(m.text)}</span>\n'
        + ('<span class="tag tag-withdrawn">已撤销</span>' if withdrawn else "")
        + f'\n<div class="meta">\n{chips}\n</div>\n</div>\n<div class="measure-side">\n'
        f'<span class="tag">{recurrence}</span>\n<span class="due">{due}</span>\n'
        f'<span class="mstatus{_STATUS_CLASS.get(status, "")}">{escape(status)}</span>\n'
        f"{light}\n</div>\n</div>\n</li>\n"
    )


def measures_html(measures: list[MeasureRow], cache: ChipCache) -> SafeString:
    """A task's measures as ``<ol class="measures notice-measures">``."""
    items = "".join(measure_html(m, cache) for m in measures)
    return mark_safe(f'\n<ol class="measures notice-measures">\n{items}</ol>\n')
