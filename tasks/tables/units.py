"""安委办：工作台、单位 (tasks/views/workbench.py · workbench, unit_list, unit_detail)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from safetyplan.tables import BoundedTable
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


def place_note(record) -> str:
    """Where a unit is, when a table spans several counties (every county has its 城关镇)."""
    place = getattr(record, "place", "")
    return format_html('<span class="muted small">（{}）</span>', place) if place else ""


_ZERO = format_html('<span class="muted">{}</span>', 0)
_LIGHT_NAMES = {2: "red", 1: "yellow", 0: "green"}


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def nulls_last(name: str):
    """``order_<column>`` for a figure that may be NULL: the units without one go last."""

    def order(self, queryset, is_descending):
        from django.db.models import F

        field = F(name).desc(nulls_last=True) if is_descending else F(name).asc(nulls_last=True)
        return queryset.order_by(field, "order", "pk"), True

    return order


class UnitFiguresTable(BoundedTable):
    """Units annotated by ``tasks.stats.unit_figures``. Each count links to the 措施台账 it
    counts (``measure_list`` with ``unit``, ``status``, ``timing`` and ``year``)."""

    light = tables.Column("灯", empty_values=(), order_by=("light_rank", "late", "due_soon"))
    name = tables.Column("单位", order_by=("order", "pk"))
    assigned = tables.Column("分配")
    done = tables.Column("已办结")
    late = tables.Column("逾期", attrs={"th": {"title": "超过完成时限未办结，或周期性任务漏报"}})
    due_soon = tables.Column("临期", attrs={"th": {"title": "7天内到期（含今天）"}})
    behind = tables.Column("进度滞后", attrs={"th": {"title": "最新进度落后于序时进度"}})
    completion_rate = tables.Column("完成率", attrs={"th": {"title": "已办结 ÷ 分配"}})
    on_time_rate = tables.Column(
        "按时办结率",
        attrs={"th": {"title": "按原定时限办结 ÷ 应办结（已办结或原定时限已过）"}},
    )

    class Meta:
        attrs = {"class": "grid figures"}
        order_by = ("-light", "-late")
        empty_text = "没有符合条件的单位。"

    def __init__(self, *args, year: int | None = None, **kwargs):
        from django.urls import NoReverseMatch

        super().__init__(*args, **kwargs)
        self.year = year
        self.unit_url = _url_of("unit_detail")
        self.year_query = f"year={year}" if year else ""
        try:
            self.measure_url = _esc(reverse("measure_list"))
        except NoReverseMatch:  # the 措施台账 is not built: plain numbers
            self.measure_url = ""

    order_completion_rate = nulls_last("completion_rate")
    order_on_time_rate = nulls_last("on_time_rate")

    # The cells are f-strings of escaped values, not format_html and urlencode: 400 of them on
    # a county's workbench. The numbers, pks and fixed names need no escaping.
    def _count(self, value: int, unit, extra: str = "") -> str:
        if not value:
            return _ZERO
        if not self.measure_url:
            return str(value)
        query = "&amp;".join(q for q in (f"unit={int(unit.pk)}", extra, self.year_query) if q)
        return mark_safe(f'<a href="{self.measure_url}?{query}">{int(value)}</a>')

    def render_light(self, record) -> str:
        from tasks.stats import light_name

        return light_html(light_name(record.light_rank))

    def render_name(self, record) -> str:
        year = f"?{self.year_query}" if self.year_query else ""
        return mark_safe(
            f'<a href="{self.unit_url(record.pk)}{year}">{_esc(record.name)}</a>'
            f"{place_note(record)}"
        )

    def render_assigned(self, value, record) -> str:
        return self._count(value, record)

    def render_done(self, value, record) -> str:
        return self._count(value, record, f"status={Assignment.Status.DONE}")

    def render_late(self, value, record) -> str:
        return self._count(value, record, "timing=overdue")

    def render_due_soon(self, value, record) -> str:
        return self._count(value, record, "timing=due_soon")

    def render_behind(self, value, record) -> str:
        if not value:
            return _ZERO
        year = f"&amp;{self.year_query}" if self.year_query else ""
        return mark_safe(f'<a href="{self.unit_url(record.pk)}?sort=-light{year}">{int(value)}</a>')

    def render_completion_rate(self, value) -> str:
        return rate_text(value)

    def render_on_time_rate(self, value) -> str:
        return rate_text(value)

    def value_light(self, record) -> str:
        return {2: "红", 1: "黄", 0: "绿"}[record.light_rank]


class UnitAssignmentsTable(BoundedTable):
    """Everything assigned to one unit (``stats.with_light_rank`` annotations)."""

    light = tables.Column(
        "灯",
        empty_values=(),
        order_by=("light_rank", "-due_date"),
        attrs={"td": {"class": "col-light"}},
    )
    measure = tables.Column(
        "措施",
        order_by=("measure__task__notice", "measure__task__order"),
        attrs={"td": {"class": "col-measure"}},
    )
    role = tables.Column("角色", attrs=_label("角色"))
    latest_percent = tables.Column("最新进度", attrs=_label("最新进度"))
    due_date = tables.Column("完成时限", attrs=_label("完成时限"))
    status = tables.Column("状态", attrs=_label("状态"))

    class Meta:
        model = Assignment
        fields = ()
        sequence = ("light", "measure", "role", "latest_percent", "due_date", "status")
        attrs = {"class": "grid cards unit-assignments"}
        row_attrs = {"class": lambda record: f"row-{_LIGHT_NAMES[record.light_rank]}"}
        order_by = ("-light", "due_date")
        empty_text = "没有分配给本单位的任务。"

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self._detail_url = _url_of("assignment_detail")

    def render_light(self, record: Assignment) -> str:
        from tasks.stats import light_name

        return light_html(light_name(record.light_rank))

    def render_measure(self, record: Assignment) -> str:
        return mark_safe(measure_cell(record, self._detail_url))

    def render_role(self, record: Assignment) -> str:
        return mark_safe(role_chip(record.role))

    def render_latest_percent(self, record: Assignment) -> str:
        lag = record.schedule_lag(self.today) if record.light_rank != 2 else 0
        return mark_safe(percent_cell(record, lag))

    def render_due_date(self, record: Assignment) -> str:
        return mark_safe(due_cell(record, self.today))

    def render_status(self, record: Assignment) -> str:
        return mark_safe(status_tag(record.status))
