"""The measures of a notice page (通知详情), fetched as plain rows and written as HTML in Python.

A county notice has some 200 measures and 700 unit chips: model instances for each row and a
template include per measure and per chip were nine tenths of the page's time. The assignments
are the light rows of the 措施台账 (``tasks.measure_rows``), and the measures borrow
``Measure.status``: the rules stay the models' own, and the markup is that of the partial it replaced
(tests/tasks/test_notice_pages.py keeps the old template and compares the two).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django.db.models import Case, IntegerField, Value, When
from django.utils.safestring import SafeString, mark_safe

from tasks.chips import chip
from tasks.measure_rows import Assigned, UnitAssignment, assignments_by_measure
from tasks.models import Assignment, Measure, Notice, Recurrence
from tasks.tables import assignment_light, light_html, measure_light, measure_status
from tasks.tables.cells import _cn_date

ROLE_ORDER = Case(
    *[When(role=r, then=Value(i)) for i, r in enumerate(Assignment.Role.values)],
    output_field=IntegerField(),
)
_RECURRENCES = dict(Recurrence.choices)
_DONE_LABEL = Assignment.Status.DONE.label
_MEASURE_FIELDS = ("id", "task_id", "text", "topic", "recurrence", "due_date", "withdrawn")


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
        self.assignments = Assigned()


def notice_measures(notice: Notice, today: dt.date) -> list[MeasureRow]:
    """Every measure of ``notice`` in task order, with its assignments: two queries."""
    measures = [
        MeasureRow(row)
        for row in Measure.objects.filter(task__notice=notice)
        .order_by("order", "id")
        .values_list(*_MEASURE_FIELDS)
    ]
    assignments = (
        Assignment.objects.filter(measure__task__notice=notice)
        .with_missed_periods(on=today)
        .order_by(ROLE_ORDER, "unit__order", "unit_id")
    )
    for measure, assigned in zip(
        measures,
        assignments_by_measure(
            [m.pk for m in measures], assignments, key=("notice", notice.pk, today)
        ).values(),
        strict=True,
    ):
        measure.assignments = assigned
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


_STATUS_CLASS = {"逾期": " mstatus-late", "已办结": " mstatus-done"}


class ChipCache(dict):
    """Chips by what they show: a county's townships recur on measure after measure."""

    def get_html(self, a: UnitAssignment, light: str) -> str:
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
    due = f"{_cn_date(m.due_date)}前" if m.due_date else "未设时限"
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
