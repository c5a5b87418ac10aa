"""催办提醒 (reports/views_reminders.py · reminder_list)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from safetyplan.tables import BoundedTable
from tasks.tables.cells import (
    _cn_date,
    _review_day,
)


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
