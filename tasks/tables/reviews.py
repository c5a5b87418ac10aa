"""安委办：审核 (tasks/views/reviews.py · review_queue)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape as _escape

import django_tables2 as tables
from django.utils.safestring import mark_safe

from safetyplan.tables import BoundedTable
from tasks.models import Assignment
from tasks.tables.cells import (
    _cn_date,
    _cn_day,
    _esc,
    _review_day,
    _url_of,
)

_REVIEW_DATE = {"td": {"class": "review-date"}}


# The cells below are f-strings of escaped values rather than format_html: the same markup
# at a fraction of the cost, on 50 rows of two tables.


def _review_measure(assignment: Assignment) -> str:
    measure = assignment.measure
    text = measure.text if len(measure.text) <= 90 else measure.text[:90] + "…"
    return mark_safe(
        f'<div class="review-measure" title="{_esc(measure.text)}">{_esc(text)}</div>'
        f'<div class="muted small">{_esc(measure.task.notice.title)} · {_esc(measure.task)}</div>'
    )


def _review_unit(assignment: Assignment) -> str:
    return mark_safe(
        f"<strong>{_esc(assignment.unit.name)}</strong><br>"
        f'<span class="chip role-{_esc(assignment.role)}">'
        f"{_esc(assignment.get_role_display())}</span>"
    )


def _review_due(assignment: Assignment) -> str:
    due = _cn_date(assignment.due_date)
    original = assignment.original_due_date
    if original and original != assignment.due_date:
        original_day = _esc(_cn_date(original))
        return mark_safe(f'{_esc(due)}<div class="muted small">原定 {original_day}</div>')
    return due


def _csrf_input(context) -> str:
    """``{% csrf_token %}`` in the page's context (the token every form of the page carries)."""
    token = context.get("csrf_token") if context is not None else None
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_esc(token)}">'


def review_report_cell(assignment: Assignment, evidence_url: Callable[[int], str]) -> str:
    """The newest completion request of ``assignment`` (``completion_reports`` prefetched): the
    markup of the template it replaces, which was rendered once per row with the context
    processors each time (tests/tasks/test_review_queue.py keeps it to compare)."""
    from django.template.defaultfilters import filesizeformat
    from django.utils import timezone
    from django.utils.text import normalize_newlines

    reports = assignment.completion_reports
    if not reports:
        return '<span class="muted">（未找到办结申请记录）</span>\n'
    report = reports[0]
    text = _escape(normalize_newlines(report.text)).replace("\n", "<br>")
    percent = _esc(report.percent)
    author = report.author.get_full_name() or report.author.get_username()
    at = timezone.localtime(report.created_at)
    when = f"{_cn_day(at)} {at:%H:%M}"
    html = (
        f'\n<div class="review-text">{text}</div>\n<div class="review-meta">\n'
        f'  <span class="percent"><progress max="100" value="{percent}"></progress> '
        f"{percent}%</span>\n"
        f'  <span class="muted small">{_esc(author)} · {when}</span>\n</div>\n'
    )
    files = report.evidence.all()
    if not files:
        return html + '<div class="muted small">未附佐证材料</div>\n\n'
    items = "".join(
        f'\n  <li><a href="{_esc(evidence_url(e.pk))}">{_esc(e.original_name)}</a> '
        f'<span class="muted small">{_esc(filesizeformat(e.size))}</span></li>'
        for e in files
    )
    return f'{html}<ul class="evidence-list">{items}\n</ul>\n\n'


class CompletionQueueTable(BoundedTable):
    """办结申请 waiting for the office, oldest first. Rows are assignments with status 申请办结,
    with ``completion_reports`` prefetched (newest first, evidence prefetched)."""

    requested_at = tables.Column(
        "申请时间", accessor="latest_report_at", orderable=False, attrs=_REVIEW_DATE
    )
    unit = tables.Column("责任单位", empty_values=(), orderable=False)
    measure = tables.Column("措施", empty_values=(), orderable=False)
    due = tables.Column("完成时限", empty_values=(), orderable=False, attrs=_REVIEW_DATE)
    report = tables.Column(
        "办结申请（进展情况 · 进度 · 佐证材料）", empty_values=(), orderable=False
    )
    actions = tables.Column(
        "审核", empty_values=(), orderable=False, attrs={"td": {"class": "review-actions-cell"}}
    )

    class Meta:
        orderable = False
        attrs = {"class": "grid review-table", "id": "completion-queue"}
        empty_text = "没有等待审核的办结申请。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._decide_url = _url_of("review_decide")
        self._evidence_url = _url_of("evidence_download")

    def render_requested_at(self, value) -> str:
        return _review_day(value)

    def render_report(self, record: Assignment) -> str:
        return mark_safe(review_report_cell(record, self._evidence_url))

    def render_actions(self, record: Assignment) -> str:
        url = _esc(self._decide_url(record.pk))
        return mark_safe(
            f'<form method="post" action="{url}" class="review-quick">'
            f"{_csrf_input(getattr(self, 'context', None))}\n"
            f'  <input type="hidden" name="version" value="{_esc(record.version)}">\n'
            '  <button type="submit" name="decision" value="accept" class="button small accept">'
            "办结</button>\n"
            f'</form>\n<a href="{url}" class="review-return-link">退回或查看详情</a>\n'
        )

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
    actions = tables.Column(
        "审批", empty_values=(), orderable=False, attrs={"td": {"class": "review-actions-cell"}}
    )

    class Meta:
        orderable = False
        attrs = {"class": "grid review-table", "id": "extension-queue"}
        empty_text = "没有等待审批的延期申请。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._decide_url = _url_of("extension_decide")

    def render_actions(self, record) -> str:
        url = _esc(self._decide_url(record.pk))
        return mark_safe(f'<a href="{url}" class="button small">审批</a>\n')

    def render_created_at(self, value) -> str:
        from django.utils import timezone

        local = timezone.localtime(value)
        return f"{_cn_date(local)} {local:%H:%M}"

    def render_unit(self, record) -> str:
        return _review_unit(record.assignment)

    def render_measure(self, record) -> str:
        return _review_measure(record.assignment)

    def render_due(self, record) -> str:
        return _cn_date(record.assignment.due_date)

    def render_original(self, record) -> str:
        assignment = record.assignment
        return _cn_date(assignment.original_due_date or assignment.due_date)

    def render_requested_date(self, value) -> str:
        return mark_safe(f"<strong>{_esc(_cn_date(value))}</strong>")

    def render_reason(self, record) -> str:
        by = record.requested_by.get_full_name() or record.requested_by.get_username()
        return mark_safe(
            f'<div class="review-text">{_esc(record.reason)}</div>'
            f'<div class="muted small">申请人：{_esc(by)}</div>'
        )
