"""django-tables2 tables of the product's list pages. Each area appends its own section."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from safetyplan.tables import BoundedTable
from tasks import periods
from tasks.chips import chips
from tasks.models import DUE_SOON_DAYS, Assignment

# ---- 联络员：我的任务 (tasks/views/liaison.py · my_tasks) -------------------------------------


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


def due_info(record: Assignment, today: dt.date) -> dict:
    """Days overdue (``late``) or left within the 7-day window (``left``), and whether the
    date was extended (the original date stays for assessment)."""
    info = {
        "late": None,
        "left": None,
        "extended": bool(record.original_due_date and record.original_due_date != record.due_date),
    }
    if record.due_date and record.status != Assignment.Status.DONE:
        days = (record.due_date - today).days
        if days < 0:
            info["late"] = -days
        elif days < DUE_SOON_DAYS:
            info["left"] = days
    return info


def _label(text: str) -> dict:
    """Cell attributes: on a phone each row becomes a card and the label shows before the value."""
    return {"td": {"data-label": text}}


def assignment_measure_cell(record: Assignment) -> str:
    """The measure of an assignment: a link to the assignment, its notice and task below."""
    measure = record.measure
    return format_html(
        '<a href="{}">{}</a><div class="muted small">{} · {}</div>{}',
        reverse("assignment_detail", args=[record.pk]),
        measure.text if len(measure.text) <= 80 else measure.text[:80] + "…",
        measure.task.notice.title,
        measure.task,
        format_html('<span class="tag">已撤销</span>') if measure.withdrawn else "",
    )


class MyTasksTable(BoundedTable):
    """The liaison's own assignments: red first, then yellow, then the rest by due date."""

    light = tables.Column(
        "", empty_values=(), orderable=False, attrs={"td": {"class": "col-light"}}
    )
    measure = tables.Column("措施", orderable=False, attrs={"td": {"class": "col-measure"}})
    role = tables.Column("角色", orderable=False, attrs=_label("角色"))
    due_date = tables.Column("完成时限", empty_values=(), orderable=False, attrs=_label("完成时限"))
    status = tables.Column("状态", orderable=False, attrs=_label("状态"))
    latest_percent = tables.Column("最新进度", orderable=False, attrs=_label("最新进度"))
    periods = tables.Column("报送周期", empty_values=(), orderable=False, attrs=_label("报送周期"))
    actions = tables.Column(
        "", empty_values=(), orderable=False, attrs={"td": {"class": "col-actions"}}
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

    def light_of(self, record: Assignment) -> str:
        return record.light(self.today, getattr(record, "missed_periods", None))

    def render_light(self, record: Assignment) -> str:
        return light_html(self.light_of(record))

    def render_measure(self, record: Assignment) -> str:
        return assignment_measure_cell(record)

    def render_role(self, record: Assignment) -> str:
        return format_html(
            '<span class="chip role-{}">{}</span>', record.role, record.get_role_display()
        )

    def render_due_date(self, record: Assignment) -> str:
        return render_to_string(
            "tasks/partials/assignment_due.html",
            {"assignment": record, "due": due_info(record, self.today)},
        )

    def render_status(self, record: Assignment) -> str:
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_latest_percent(self, record: Assignment) -> str:
        return render_to_string("tasks/partials/assignment_percent.html", {"assignment": record})

    def render_periods(self, record: Assignment) -> str:
        info = assignment_periods(record, self.today)
        return render_to_string("tasks/partials/assignment_periods.html", {"info": info})

    def render_actions(self, record: Assignment) -> str:
        if record.status in (Assignment.Status.DONE, Assignment.Status.REQUESTED):
            return format_html(
                '<a href="{}">查看</a>', reverse("assignment_detail", args=[record.pk])
            )
        return format_html(
            '<a class="button small" href="{}">报送进展</a>',
            reverse("report_create", args=[record.pk]),
        )


# ---- 安委办：审核 (tasks/views/reviews.py · review_queue) -------------------------------------


_REVIEW_DATE = {"td": {"class": "review-date"}}


def _review_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _review_day(moment) -> str:
    """The date of a timestamp in Asia/Shanghai."""
    from django.utils import timezone

    return _review_date(timezone.localdate(moment)) if moment else "—"


def _review_measure(assignment: Assignment) -> str:
    measure = assignment.measure
    text = measure.text if len(measure.text) <= 90 else measure.text[:90] + "…"
    return format_html(
        '<div class="review-measure" title="{}">{}</div><div class="muted small">{} · {}</div>',
        measure.text,
        text,
        measure.task.notice.title,
        measure.task,
    )


def _review_unit(assignment: Assignment) -> str:
    return format_html(
        '<strong>{}</strong><br><span class="chip role-{}">{}</span>',
        assignment.unit.name,
        assignment.role,
        assignment.get_role_display(),
    )


def _review_due(assignment: Assignment) -> str:
    due = _review_date(assignment.due_date)
    original = assignment.original_due_date
    if original and original != assignment.due_date:
        return format_html('{}<div class="muted small">原定 {}</div>', due, _review_date(original))
    return due


class CompletionQueueTable(BoundedTable):
    """办结申请 waiting for the office, oldest first. Rows are assignments with status 申请办结,
    with ``completion_reports`` prefetched (newest first, evidence prefetched)."""

    requested_at = tables.Column(
        "申请时间", accessor="latest_report_at", orderable=False, attrs=_REVIEW_DATE
    )
    unit = tables.Column("责任单位", empty_values=(), orderable=False)
    measure = tables.Column("措施", empty_values=(), orderable=False)
    due = tables.Column("完成时限", empty_values=(), orderable=False, attrs=_REVIEW_DATE)
    report = tables.TemplateColumn(
        verbose_name="办结申请（进展情况 · 进度 · 佐证材料）",
        template_name="tasks/partials/review_report_cell.html",
        orderable=False,
    )
    actions = tables.TemplateColumn(
        verbose_name="审核",
        template_name="tasks/partials/review_queue_actions.html",
        orderable=False,
        attrs={"td": {"class": "review-actions-cell"}},
    )

    class Meta:
        orderable = False
        attrs = {"class": "grid review-table", "id": "completion-queue"}
        empty_text = "没有等待审核的办结申请。"

    def render_requested_at(self, value) -> str:
        return _review_day(value)

    def render_unit(self, record: Assignment) -> str:
        return _review_unit(record)

    def render_measure(self, record: Assignment) -> str:
        return _review_measure(record)

    def render_due(self, record: Assignment) -> str:
        return _review_due(record)


class ExtensionQueueTable(BoundedTable):
    """延期申请 waiting for the office, oldest first (rows are ExtensionRequest)."""

    created_at = tables.Column("申请时间", orderable=False, attrs=_REVIEW_DATE)
    unit = tables.Column("责任单位", empty_values=(), orderable=False)
    measure = tables.Column("措施", empty_values=(), orderable=False)
    due = tables.Column("当前时限", empty_values=(), orderable=False, attrs=_REVIEW_DATE)
    original = tables.Column(
        "原定时限（考核依据）", empty_values=(), orderable=False, attrs=_REVIEW_DATE
    )
    requested_date = tables.Column("申请延至", orderable=False, attrs=_REVIEW_DATE)
    reason = tables.Column("延期理由", orderable=False)
    actions = tables.TemplateColumn(
        verbose_name="审批",
        template_name="tasks/partials/review_extension_actions.html",
        orderable=False,
        attrs={"td": {"class": "review-actions-cell"}},
    )

    class Meta:
        orderable = False
        attrs = {"class": "grid review-table", "id": "extension-queue"}
        empty_text = "没有等待审批的延期申请。"

    def render_created_at(self, value) -> str:
        from django.utils import timezone

        local = timezone.localtime(value)
        return f"{_cn_date(local)} {local:%H:%M}"

    def render_unit(self, record) -> str:
        return _review_unit(record.assignment)

    def render_measure(self, record) -> str:
        return _review_measure(record.assignment)

    def render_due(self, record) -> str:
        return _review_date(record.assignment.due_date)

    def render_original(self, record) -> str:
        assignment = record.assignment
        return _review_date(assignment.original_due_date or assignment.due_date)

    def render_requested_date(self, value) -> str:
        return format_html("<strong>{}</strong>", _review_date(value))

    def render_reason(self, record) -> str:
        return format_html(
            '<div class="review-text">{}</div><div class="muted small">申请人：{}</div>',
            record.reason,
            record.requested_by.get_full_name() or record.requested_by.get_username(),
        )


# ---- 安委办：通知列表、措施台账 (tasks/views/notices.py, tasks/views/measures.py) -------------


def _cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


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


class MeasureSelectColumn(tables.CheckBoxColumn):
    """A checkbox for bulk actions; none on a withdrawn measure."""

    def render(self, value, bound_column, record):
        if record.withdrawn:
            return ""
        return super().render(value, bound_column, record)


class MeasureTable(BoundedTable):
    """One row per measure with its units as chips. Needs ``task__notice`` selected and the
    assignments prefetched (with ``unit`` and the ``missed_periods`` annotation)."""

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
    units = tables.Column(
        "责任单位", empty_values=(), orderable=False, attrs={"td": {"class": "col-units"}}
    )
    due_date = tables.Column("完成时限", empty_values=(), attrs={"td": {"class": "col-date"}})
    recurrence = tables.Column("周期", empty_values=())
    status = tables.Column("状态", empty_values=(), orderable=False)
    light = tables.Column(
        "", empty_values=(), orderable=False, attrs={"td": {"class": "col-light"}}
    )

    class Meta:
        attrs = {"class": "grid measure-table"}
        row_attrs = {"class": lambda record: "withdrawn" if record.withdrawn else ""}
        empty_text = "没有符合条件的措施。"

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_task(self, record) -> str:
        task = record.task
        return format_html(
            '<a href="{}#task-{}">{}</a><div class="muted small" title="{}">{}</div>',
            reverse("notice_detail", args=[task.notice_id]),
            task.pk,
            str(task),
            task.notice.title,
            f"{task.notice.year}年 · {task.notice.title[:14]}…"
            if len(task.notice.title) > 14
            else f"{task.notice.year}年 · {task.notice.title}",
        )

    def render_text(self, record) -> str:
        # format_html, not a template per row: 50 rows a page.
        short = record.text if len(record.text) <= 70 else record.text[:70] + "…"
        topic = format_html("<strong>{}：</strong>", record.topic) if record.topic else ""
        withdrawn = '<span class="tag tag-withdrawn">已撤销</span>' if record.withdrawn else ""
        return format_html(
            '<div class="measure-text" title="{}">{}{}</div>{}',
            record.text,
            topic,
            short,
            mark_safe(withdrawn),
        )

    def render_units(self, record) -> str:
        assignments = [
            (a, "" if record.withdrawn else assignment_light(a, self.today))
            for a in record.assignments.all()
        ]
        return chips(assignments)

    def render_due_date(self, record) -> str:
        """The measure's date, and how many open assignments have another (an extension…)."""
        other = sum(
            1
            for a in record.assignments.all()
            if a.status != Assignment.Status.DONE and a.due_date != record.due_date
        )
        if not other:
            return _cn_date(record.due_date)
        return format_html(
            '{}<div class="muted small">{}个单位时限不同</div>', _cn_date(record.due_date), other
        )

    def render_recurrence(self, record) -> str:
        return record.get_recurrence_display() if record.recurrence else "一次性"

    def render_status(self, record) -> str:
        status = measure_status(record, self.today)
        css = {"逾期": "late", "已办结": "done", "未分配": "none", "已撤销": "none"}
        return format_html(
            '<span class="mstatus mstatus-{}">{}</span>', css.get(status, "open"), status
        )

    def render_light(self, record) -> str:
        light = measure_light(record, self.today)
        if not light:
            return "—"
        return light_html(light)


# ---- 安委办：工作台、单位 (tasks/views/workbench.py · workbench, unit_list, unit_detail) -------


def place_note(record) -> str:
    """Where a unit is, when a table spans several counties (every county has its 城关镇)."""
    place = getattr(record, "place", "")
    return format_html('<span class="muted small">（{}）</span>', place) if place else ""


@lru_cache(maxsize=8)
def light_html(light: str) -> str:
    """partials/light.html for ``light``, rendered once: a table shows one per row."""
    return render_to_string("partials/light.html", {"light": light})


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
        try:
            self.measure_url = reverse("measure_list")
        except NoReverseMatch:  # the 措施台账 is not built: plain numbers
            self.measure_url = ""

    order_completion_rate = nulls_last("completion_rate")
    order_on_time_rate = nulls_last("on_time_rate")

    def _count(self, value: int, unit, **params) -> str:
        from urllib.parse import urlencode

        if not value:
            return _ZERO
        if not self.measure_url:
            return str(value)
        query = {"unit": unit.pk, **params, **({"year": self.year} if self.year else {})}
        return format_html('<a href="{}?{}">{}</a>', self.measure_url, urlencode(query), value)

    def render_light(self, record) -> str:
        from tasks.stats import light_name

        return light_html(light_name(record.light_rank))

    def render_name(self, record) -> str:
        url = reverse("unit_detail", args=[record.pk])
        return format_html(
            '<a href="{}{}">{}</a>{}',
            url,
            f"?year={self.year}" if self.year else "",
            record.name,
            place_note(record),
        )

    def render_assigned(self, value, record) -> str:
        return self._count(value, record)

    def render_done(self, value, record) -> str:
        return self._count(value, record, status=Assignment.Status.DONE)

    def render_late(self, value, record) -> str:
        return self._count(value, record, timing="overdue")

    def render_due_soon(self, value, record) -> str:
        return self._count(value, record, timing="due_soon")

    def render_behind(self, value, record) -> str:
        if not value:
            return _ZERO
        url = reverse("unit_detail", args=[record.pk])
        query = f"?sort=-light{f'&year={self.year}' if self.year else ''}"
        return format_html('<a href="{}{}">{}</a>', url, query, value)

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

    def order_due_date(self, queryset, is_descending):
        from django.db.models import F

        key = (
            F("due_date").desc(nulls_last=True)
            if is_descending
            else F("due_date").asc(nulls_last=True)
        )
        return queryset.order_by(key, "pk"), True

    def render_light(self, record: Assignment) -> str:
        from tasks.stats import light_name

        return light_html(light_name(record.light_rank))

    def render_measure(self, record: Assignment) -> str:
        return assignment_measure_cell(record)

    def render_role(self, record: Assignment) -> str:
        return format_html(
            '<span class="chip role-{}">{}</span>', record.role, record.get_role_display()
        )

    def render_latest_percent(self, record: Assignment) -> str:
        lag = record.schedule_lag(self.today) if record.light_rank != 2 else 0
        return render_to_string(
            "tasks/partials/stats_percent.html", {"assignment": record, "lag": lag}
        )

    def render_due_date(self, record: Assignment) -> str:
        return render_to_string(
            "tasks/partials/assignment_due.html",
            {"assignment": record, "today": self.today, "due": due_info(record, self.today)},
        )

    def render_status(self, record: Assignment) -> str:
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )


# ---- 催办提醒 (reports/views_reminders.py · reminder_list) ------------------------------------


def _nowrap(text: str) -> dict:
    return {"td": {"data-label": text, "class": "nowrap"}, "th": {"class": "nowrap"}}


class ReminderTable(BoundedTable):
    """Reminders, newest first. Needs ``assignment__measure__task`` and ``assignment__unit``
    selected. ``show_unit``: the office sees which unit each went to; a liaison does not."""

    created_at = tables.Column("时间", attrs=_nowrap("时间"))
    kind = tables.Column("方式", attrs=_nowrap("方式"))
    reason = tables.Column("原因", attrs=_nowrap("原因"))
    unit = tables.Column("单位", accessor="assignment__unit__name", attrs=_nowrap("单位"))
    measure = tables.Column(
        "措施", accessor="assignment", orderable=False, attrs={"td": {"class": "col-measure"}}
    )
    due = tables.Column("完成时限", accessor="assignment__due_date", attrs=_nowrap("完成时限"))
    status = tables.Column("当前状态", accessor="assignment__status", attrs=_nowrap("当前状态"))
    read_at = tables.Column("阅读", empty_values=(), attrs=_nowrap("阅读"))

    class Meta:
        orderable = False
        template_name = "tasks/partials/assignment_table.html"
        attrs = {"class": "grid cards reminder-table"}
        row_attrs = {
            "class": lambda record: (
                "unread" if record.read_at is None and record.kind != "email" else ""
            )
        }
        empty_text = "暂无提醒。"

    def __init__(self, *args, show_unit: bool = True, **kwargs):
        if not show_unit:
            kwargs["exclude"] = ("unit",)
        super().__init__(*args, **kwargs)

    def render_created_at(self, value) -> str:
        from django.utils import timezone

        local = timezone.localtime(value)
        return f"{_cn_date(local)} {local:%H:%M}"

    def render_kind(self, record) -> str:
        return format_html(
            '<span class="rkind rkind-{}">{}</span>', record.kind, record.get_kind_display()
        )

    def render_reason(self, record) -> str:
        return format_html(
            '<span class="rreason rreason-{}">{}</span>', record.reason, record.get_reason_display()
        )

    def render_measure(self, record) -> str:
        measure = record.assignment.measure
        text = measure.text if len(measure.text) <= 60 else measure.text[:60] + "…"
        return format_html(
            '<a href="{}">{}</a><div class="muted small">{}</div>',
            reverse("assignment_detail", args=[record.assignment_id]),
            text,
            str(measure.task),
        )

    def render_due(self, value) -> str:
        return _cn_date(value)

    def render_status(self, record) -> str:
        return record.assignment.get_status_display()

    def render_read_at(self, record) -> str:
        if record.kind == "email":
            return format_html('<span class="muted">{}</span>', "—")
        if record.read_at is None:
            return format_html('<span class="rnew">{}</span>', "未读")
        return format_html('<span class="muted">已读 {}</span>', _review_day(record.read_at))
