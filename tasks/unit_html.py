"""The unit page's (单位详情) recent reports and change history as HTML, built in Python.

Thirty rows of date, truncation and default filters through the template engine were a
tenth of the page. The markup is that of the template blocks they replaced
(tests/tasks/test_unit_pages.py keeps them and compares).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator


def _when(moment) -> str:
    """``{{ moment|date:"Y年n月j日 H:i" }}``: in local time."""
    local = timezone.localtime(moment)
    return f"{local.year:04d}年{local.month}月{local.day}日 {local.hour:02d}:{local.minute:02d}"


def _cut(text: str, length: int) -> str:
    """``{{ text|truncatechars:length }}``, escaped."""
    return escape(Truncator(text).chars(length))


def _who(user) -> str:
    """``{{ user.get_full_name|default:user.get_username }}``, escaped."""
    return escape(user.get_full_name() or user.get_username())


def reports_html(reports: Sequence) -> SafeString:
    """The 最近报送 table (``unit_reports``), or the line saying there is none."""
    if not reports:
        return mark_safe('<p class="muted">本单位尚未报送进展。</p>')
    rows = []
    for r in reports:
        completion = (
            '<div><span class="tag">申请办结</span></div>' if r.kind == "completion" else ""
        )
        files = (
            f'<div class="muted small">佐证材料{r.evidence_count}份</div>'
            if r.evidence_count
            else ""
        )
        rows.append(
            f'<tr>\n<td data-label="报送时间">{_when(r.created_at)}{completion}</td>\n'
            f'<td data-label="措施">{_cut(r.assignment.measure.text, 40)}</td>\n'
            f'<td data-label="进度">{r.percent}%</td>\n'
            f'<td data-label="进展情况">{_cut(r.text, 80)}{files}</td>\n'
            f'<td data-label="报送人">{_who(r.author)}</td>\n</tr>\n'
        )
    return mark_safe(
        '<table class="grid unit-reports">\n<thead><tr><th>报送时间</th><th>措施</th>'
        "<th>进度</th><th>进展情况</th><th>报送人</th></tr></thead>\n<tbody>\n"
        + "".join(rows)
        + "</tbody>\n</table>"
    )


def history_html(history: Sequence[dict]) -> SafeString:
    """The 变更记录 table (``unit_history``), or the line saying there is none."""
    if not history:
        return mark_safe('<p class="muted">暂无变更记录。</p>')
    rows = []
    for h in history:
        r = h["record"]
        who = _who(r.history_user) if r.history_user else '<span class="muted">系统</span>'
        measure = _cut(r.measure.text, 30) if r.measure is not None else ""
        changes = "；".join(escape(str(change)) for change in h["changes"])
        rows.append(
            f'<tr>\n<td data-label="时间">{_when(r.history_date)}</td>\n'
            f'<td data-label="操作人">{who}</td>\n'
            f'<td data-label="措施">{measure}</td>\n'
            f'<td data-label="变更">{changes}</td>\n</tr>\n'
        )
    return mark_safe(
        '<table class="grid unit-history">\n<thead><tr><th>时间</th><th>操作人</th>'
        "<th>措施</th><th>变更</th></tr></thead>\n<tbody>\n" + "".join(rows) + "</tbody>\n</table>"
    )
