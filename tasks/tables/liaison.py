"""联络员：我的任务 (tasks/views/liaison.py · my_tasks)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from safetyplan.tables import BoundedTable
from tasks import periods
from tasks.models import Assignment
from tasks.tables.cells import (
    _esc,
    _label,
    _url_of,
    due_cell,
    light_html,
    measure_cell,
    percent_cell,
    role_chip,
    status_tag,
)


def assignment_periods(record: Assignment, today: dt.date) -> dict | None:
    """For a recurring measure: the period due now, whether it has a report, the missed ones.

    Reads ``record.reports.all()``: prefetch the reports (``period_index`` is enough)."""
    recurrence = record.measure.recurrence
    if not recurrence:
        return None
    current = periods.period_of(today, recurrence)
    reported = {r.period_index for r in record.reports.all()}
    return {
        "recurrence": record.measure.get_recurrence_display(),
        "current": current,
        "current_reported": current.index in reported,
        "missed": record.missed_periods_list(today),
        "done": record.status == Assignment.Status.DONE,
    }


def assignment_measure_cell(record: Assignment) -> str:
    """The measure of an assignment: a link to the assignment, its notice and task below."""
    measure = record.measure
    return format_html(
        '<a href="{}">{}</a><div class="muted small">{} · {}</div>{}',
        reverse("assignment_detail", args=[record.pk]),
        measure.text if len(measure.text) <= 80 else measure.text[:80] + "…",
        measure.task.notice.title,
        measure.task,
        mark_safe('<span class="tag">已撤销</span>') if measure.withdrawn else "",
    )


def my_periods_cell(record: Assignment, today: dt.date) -> str:
    """tasks/partials/assignment_periods.html of ``assignment_periods``, built in Python (see
    ``tasks.tables.cells``); the missed periods are only worked out for an open assignment."""
    recurrence = record.measure.recurrence
    if not recurrence:
        return '<span class="muted">一次性</span>'
    name = _esc(record.measure.get_recurrence_display())
    if record.status == Assignment.Status.DONE:
        return f'<span class="muted">{name}报送 · 已办结</span>'
    info = assignment_periods(record, today)
    current = info["current"]
    reported = (
        '<span class="ok">已报送</span>'
        if info["current_reported"]
        else '<span class="warn">待报送</span>'
    )
    now = f"<div>本期 {_esc(current.label)}：{reported}</div>"
    html = f'<div class="periods"><div>{name}报送</div>{now}'
    missed = info["missed"]
    if missed:
        labels = "、".join(_esc(p.label) for p in missed)
        html += f'<div class="missed">漏报 {len(missed)} 期：{labels}</div>'
    return html + "</div>"


_URGENCY_LIGHTS = {0: "red", 1: "yellow"}


class MyTasksTable(BoundedTable):
    """The liaison's own assignments: red first, then yellow, then the rest by due date.

    Every cell is built in Python (no template per cell): 20 rows of eight columns were most
    of the page's time."""

    # The computed columns read ``pk``: an accessor naming no attribute (or the model's
    # ``light`` method) fails, and is tried, on every row.
    light = tables.Column(
        "", accessor="pk", empty_values=(), orderable=False, attrs={"td": {"class": "col-light"}}
    )
    measure = tables.Column("措施", orderable=False, attrs={"td": {"class": "col-measure"}})
    role = tables.Column("角色", orderable=False, attrs=_label("角色"))
    due_date = tables.Column("完成时限", empty_values=(), orderable=False, attrs=_label("完成时限"))
    status = tables.Column("状态", orderable=False, attrs=_label("状态"))
    latest_percent = tables.Column("最新进度", orderable=False, attrs=_label("最新进度"))
    periods = tables.Column(
        "报送周期", accessor="pk", empty_values=(), orderable=False, attrs=_label("报送周期")
    )
    actions = tables.Column(
        "", accessor="pk", empty_values=(), orderable=False, attrs={"td": {"class": "col-actions"}}
    )

    class Meta:
        model = Assignment
        fields = ()
        sequence = (
            "light",
            "measure",
            "role",
            "due_date",
            "status",
            "latest_percent",
            "periods",
            "actions",
        )
        orderable = False
        template_name = "tasks/partials/assignment_table.html"
        attrs = {"class": "grid cards my-tasks-table"}
        row_attrs = {
            "class": lambda record, table: f"row-{table.light_of(record)}",
        }
        empty_text = "本单位暂无分配的任务。"

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self._detail_url = _url_of("assignment_detail")
        self._report_url = _url_of("report_create")

    def light_of(self, record: Assignment) -> str:
        """The row's light: its ``urgency`` (tasks.views.liaison.my_assignments) is the model's
        light in SQL (0 red, 1 yellow, 2 and 3 green)."""
        return _URGENCY_LIGHTS.get(record.urgency, "green")

    def render_light(self, record: Assignment) -> str:
        return light_html(self.light_of(record))

    def render_measure(self, record: Assignment) -> str:
        return mark_safe(measure_cell(record, self._detail_url))

    def render_role(self, record: Assignment) -> str:
        return mark_safe(role_chip(record.role))

    def render_due_date(self, record: Assignment) -> str:
        return mark_safe(due_cell(record, self.today))

    def render_status(self, record: Assignment) -> str:
        return mark_safe(status_tag(record.status))

    def render_latest_percent(self, record: Assignment) -> str:
        return mark_safe(percent_cell(record))

    def render_periods(self, record: Assignment) -> str:
        return mark_safe(my_periods_cell(record, self.today))

    def render_actions(self, record: Assignment) -> str:
        if record.status in (Assignment.Status.DONE, Assignment.Status.REQUESTED):
            return mark_safe(f'<a href="{_esc(self._detail_url(record.pk))}">查看</a>')
        return mark_safe(
            f'<a class="button small" href="{_esc(self._report_url(record.pk))}">报送进展</a>'
        )
