"""Cells and helpers shared by the tables of several pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from html import escape as _escape

from django.template.loader import render_to_string
from django.urls import reverse

from tasks.models import DUE_SOON_DAYS, Assignment


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


def _esc(value: object) -> str:
    """``{{ value }}`` in a template: escaped, unless already safe markup."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def _cn_day(day: dt.date) -> str:
    """``{{ day|date:"Y年n月j日" }}`` of a date, without the template engine."""
    return f"{day.year:04d}年{day.month}月{day.day}日"


def _url_of(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: reversed once, the pk put in after.

    A row's links cost a ``reverse`` each otherwise, a tenth of the rendering of a page."""
    marker = "2147483647"
    pattern = reverse(name, args=[int(marker)])
    if pattern.count(marker) != 1:  # cannot happen with the product's URLs; stay correct
        return lambda pk: reverse(name, args=[pk])
    before, after = pattern.split(marker)
    return lambda pk: f"{before}{int(pk)}{after}"


def _review_day(moment) -> str:
    """The date of a timestamp in Asia/Shanghai."""
    from django.utils import timezone

    return _cn_date(timezone.localdate(moment)) if moment else "—"


def _cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


@lru_cache(maxsize=8)
def light_html(light: str) -> str:
    """partials/light.html for ``light``, rendered once: a table shows one per row."""
    return render_to_string("partials/light.html", {"light": light})


# ---- cells of an assignment, shared by 我的任务 and the unit page: f-strings of escaped values,
# the markup of the templates they replaced (tests/tasks/test_my_tasks.py and
# tests/tasks/test_unit_pages.py compare them).

_ROLE_LABELS = dict(Assignment.Role.choices)
_STATUS_LABELS = dict(Assignment.Status.choices)


def measure_cell(record: Assignment, detail_url: Callable[[int], str]) -> str:
    """The measure (a link to the assignment), its notice and task, and 已撤销 if withdrawn."""
    measure = record.measure
    text = measure.text if len(measure.text) <= 80 else measure.text[:80] + "…"
    withdrawn = '<span class="tag">已撤销</span>' if measure.withdrawn else ""
    return (
        f'<a href="{_esc(detail_url(record.pk))}">{_esc(text)}</a>'
        f'<div class="muted small">{_esc(measure.task.notice.title)} · '
        f"{_esc(measure.task)}</div>{withdrawn}"
    )


def role_chip(role: str) -> str:
    return f'<span class="chip role-{_esc(role)}">{_esc(_ROLE_LABELS.get(role, role))}</span>'


def status_tag(status: str) -> str:
    label = _STATUS_LABELS.get(status, status)
    return f'<span class="status status-{_esc(status)}">{_esc(label)}</span>'


def due_cell(record: Assignment, today: dt.date) -> str:
    """tasks/partials/assignment_due.html (with ``due_info``)."""
    if not record.due_date:
        return '<span class="muted">未设时限</span>'
    due = due_info(record, today)
    note = ""
    if due["late"]:
        note = f'<span class="due-note red">逾期{due["late"]}天</span>'
    elif due["left"] == 0:
        note = '<span class="due-note yellow">今天到期</span>'
    elif due["left"]:
        note = f'<span class="due-note yellow">还有{due["left"]}天</span>'
    if due["extended"]:
        original = _cn_day(record.original_due_date)
        note += f'<div class="muted small">原定{original}，已延期</div>'
    return f'<div class="due-cell"><span class="due">{_cn_day(record.due_date)}</span>{note}</div>'


def percent_cell(record: Assignment, lag: int = 0) -> str:
    """tasks/partials/assignment_percent.html, and how far behind schedule (``lag``) if at all."""
    from django.utils import timezone

    percent = _esc(record.latest_percent)
    bar = f'<span class="percent"><progress max="100" value="{percent}">{percent}%</progress> '
    if record.latest_report_at:
        day = timezone.localtime(record.latest_report_at)
        when = f'<div class="muted small">{day.month}月{day.day}日报送</div>'
    else:
        when = '<div class="muted small">尚未报送</div>'
    behind = f'<div class="lag">落后序时进度{lag}个百分点</div>' if lag else ""
    return f"{bar}{percent}%</span>{when}{behind}"
