"""安委办：通知列表、措施台账 (tasks/views/notices.py, tasks/views/measures.py)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from safetyplan.tables import BoundedTable
from tasks.chips import chips
from tasks.measure_rows import Assigned, assignments_by_measure, esc, measure_status_of
from tasks.models import Assignment, Recurrence
from tasks.tables.cells import (
    _cn_date,
    light_html,
)


def assignment_light(assignment: Assignment, today: dt.date) -> str:
    """Reads the ``missed_periods`` annotation (``with_missed_periods``) when there is one."""
    return assignment.light(today, getattr(assignment, "missed_periods", None))


def measure_light(measure, today: dt.date) -> str:
    """The worst light of the measure's (prefetched) assignments; "" when it has none or is
    withdrawn."""
    if measure.withdrawn:
        return ""
    lights = {assignment_light(a, today) for a in measure.assignments.all()}
    for light in ("red", "yellow", "green"):
        if light in lights:
            return light
    return ""


def measure_status(measure, today: dt.date) -> str:
    return "已撤销" if measure.withdrawn else measure.status(today)


class NoticeTable(BoundedTable):
    """Notices with counts annotated by the view: ``measure_count``, ``assignment_count``,
    ``overdue_count``."""

    year = tables.Column("年度")
    title = tables.Column("标题", linkify=("notice_detail", {"pk": tables.A("pk")}))
    doc_number = tables.Column("文号", empty_values=())
    jurisdiction = tables.Column("行政区划", accessor="jurisdiction__name")
    measure_count = tables.Column("措施", attrs={"td": {"class": "num"}})
    assignment_count = tables.Column("任务分配", attrs={"td": {"class": "num"}})
    overdue_count = tables.Column("逾期", attrs={"td": {"class": "num"}})

    class Meta:
        attrs = {"class": "grid notice-table"}
        empty_text = "暂无通知。"

    def render_year(self, value) -> str:
        return f"{value}年"

    def render_doc_number(self, value) -> str:
        return value or "—"

    def render_overdue_count(self, record) -> str:
        if not record.overdue_count:
            return "0"
        url = reverse("measure_list")
        return format_html(
            '<a class="overdue" href="{}?notice={}&amp;timing=overdue">{}</a>',
            url,
            record.pk,
            record.overdue_count,
        )


def _static_attrs(attrs: dict) -> bool:
    """No callable at any depth: attributes the same on every row."""
    return all(_static_attrs(v) if isinstance(v, dict) else not callable(v) for v in attrs.values())


class MeasureSelectColumn(tables.CheckBoxColumn):
    """A checkbox for bulk actions; none on a withdrawn measure."""

    _MARK = "\x00value\x00"  # no escaping changes it

    def render(self, value, bound_column, record):
        if record.withdrawn:
            return ""
        if self.checked is not None or not _static_attrs(self.attrs):
            return super().render(value, bound_column, record)
        # Every box is the same but for its value: CheckBoxColumn builds and escapes the
        # attributes afresh per row, so build them once per column and fill the value in.
        parts = self.__dict__.setdefault("_parts", {})
        if bound_column.name not in parts:
            html = super().render(self._MARK, bound_column, record)
            parts[bound_column.name] = (
                html.split(self._MARK) if html.count(self._MARK) == 1 else None
            )
        split = parts[bound_column.name]
        if split is None:
            return super().render(value, bound_column, record)
        return mark_safe(f"{split[0]}{esc(str(value))}{split[1]}")


_MEASURE_STATUS_CSS = {"逾期": "late", "已办结": "done", "未分配": "none", "已撤销": "none"}
_RECURRENCE_LABELS = dict(Recurrence.choices)


class MeasureTable(BoundedTable):
    """One row per measure with its units as chips. Needs ``task__notice`` selected (``number``
    and ``title`` of the task, ``title`` and ``year`` of the notice are enough). The chips'
    assignments: given ``assignments`` (``unit_assignments``: annotated and in chip order), the
    table reads them for its page in one query, as rows (``tasks.measure_rows``); without, it
    reads each measure's prefetched ``assignments``."""

    select = MeasureSelectColumn(
        accessor="pk",
        attrs={
            "td__input": {"name": "measures", "class": "row-select", "aria-label": "选择此措施"},
            "th__input": {"class": "select-all", "title": "全选本页", "aria-label": "全选本页"},
            "th": {"class": "col-select"},
            "td": {"class": "col-select"},
        },
    )
    task = tables.Column(
        "序号/任务",
        order_by=("task__notice__year", "task__notice_id", "task__order", "order", "id"),
        attrs={"td": {"class": "col-task"}},
    )
    text = tables.Column("主要内容", orderable=False, attrs={"td": {"class": "col-text"}})
    # The computed columns read ``pk``: "units" or "light" names no attribute of a measure and
    # "status" a method needing a day, and each is tried (and fails) on every row otherwise.
    units = tables.Column(
        "责任单位",
        accessor="pk",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "col-units"}},
    )
    due_date = tables.Column("完成时限", empty_values=(), attrs={"td": {"class": "col-date"}})
    recurrence = tables.Column("周期", empty_values=())
    status = tables.Column("状态", accessor="pk", empty_values=(), orderable=False)
    light = tables.Column(
        "", accessor="pk", empty_values=(), orderable=False, attrs={"td": {"class": "col-light"}}
    )

    class Meta:
        attrs = {"class": "grid measure-table"}
        row_attrs = {"class": lambda record: "withdrawn" if record.withdrawn else ""}
        empty_text = "没有符合条件的措施。"

    def __init__(self, *args, today: dt.date, assignments=None, assignments_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self._assignments = assignments
        self._assignments_key = assignments_key  # names all ``assignments`` depends on
        self._by_measure: dict | None = None
        self._task_cells: dict[int, str] = {}  # a page has a few tasks, each on many rows
        self._facts: dict[int, tuple] = {}

    def _assigned(self, record) -> Assigned:
        if self._assignments is None:
            return Assigned(record.assignments.all())
        if self._by_measure is None:  # the whole page at the first row: one query
            records = self.paginated_rows.data
            self._by_measure = assignments_by_measure(
                (r.pk for r in records), self._assignments, key=self._assignments_key
            )
        found = self._by_measure.get(record.pk)
        return found if found is not None else Assigned()

    def _units_and_light(self, record) -> tuple[list[tuple], str]:
        """The (assignment, light) pairs of the chips and the worst light (``measure_light``),
        worked out once per row for the three cells that show them."""
        facts = self._facts.get(record.pk)
        if facts is None or facts[0] is not record:
            assigned = self._assigned(record)
            if record.withdrawn:
                pairs, worst = [(a, "") for a in assigned], ""
            else:
                pairs = [(a, assignment_light(a, self.today)) for a in assigned]
                lights = {light for _, light in pairs}
                worst = next((x for x in ("red", "yellow", "green") if x in lights), "")
            facts = self._facts[record.pk] = (record, assigned, pairs, worst)
        return facts[2], facts[3]

    def render_task(self, record) -> str:
        task = record.task
        cell = self._task_cells.get(task.pk)
        if cell is None:
            notice = task.notice
            title = notice.title
            short = (
                f"{notice.year}年 · {title[:14]}…"
                if len(title) > 14
                else f"{notice.year}年 · {title}"
            )
            url = reverse("notice_detail", args=[task.notice_id])
            cell = self._task_cells[task.pk] = (
                f'<a href="{esc(url)}#task-{esc(str(task.pk))}">{esc(str(task))}</a>'
                f'<div class="muted small" title="{esc(title)}">{esc(short)}</div>'
            )
        return mark_safe(cell)

    def render_text(self, record) -> str:
        # Plain escaping, not a template or format_html per row: 50 rows a page.
        text = record.text
        short = text if len(text) <= 70 else text[:70] + "…"
        topic = f"<strong>{esc(record.topic)}：</strong>" if record.topic else ""
        withdrawn = '<span class="tag tag-withdrawn">已撤销</span>' if record.withdrawn else ""
        return mark_safe(
            f'<div class="measure-text" title="{esc(text)}">{topic}{esc(short)}</div>{withdrawn}'
        )

    def render_units(self, record) -> str:
        return chips(self._units_and_light(record)[0])

    def render_due_date(self, record) -> str:
        """The measure's date, and how many open assignments have another (an extension…)."""
        due, done = record.due_date, Assignment.Status.DONE
        other = sum(1 for a in self._assigned(record) if a.status != done and a.due_date != due)
        if not other:
            return _cn_date(due)
        return mark_safe(f'{_cn_date(due)}<div class="muted small">{other}个单位时限不同</div>')

    def render_recurrence(self, record) -> str:
        if not record.recurrence:
            return "一次性"
        return _RECURRENCE_LABELS.get(record.recurrence, record.recurrence)

    def render_status(self, record) -> str:
        if record.withdrawn:
            status = "已撤销"
        else:
            status = measure_status_of(self._assigned(record), self.today)
        css = _MEASURE_STATUS_CSS.get(status, "open")
        return mark_safe(f'<span class="mstatus mstatus-{css}">{esc(status)}</span>')

    def render_light(self, record) -> str:
        light = self._units_and_light(record)[1]
        if not light:
            return "—"
        return light_html(light)
