"""Tables (django-tables2) and the filter (django-filter) of the reports pages."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from reports.models import SupervisionNotice
from safetyplan.tables import BoundedTable
from tasks.filters import Q_MAX_LENGTH
from tasks.tables import nulls_last, place_note, rate_text

_ZERO = format_html('<span class="muted">{}</span>', 0)


def _num(title: str = "") -> dict:
    return {"th": {"class": "num", **({"title": title} if title else {})}, "td": {"class": "num"}}


# ---- 考核排名 (reports/views.py · ranking) --------------------------------------------------------


class RankingTable(BoundedTable):
    """Units annotated by ``reports.ranking.ranked``: figures for the year-end assessment."""

    rank = tables.Column("排名", attrs={"th": {"class": "rank"}, "td": {"class": "rank"}})
    name = tables.Column("单位", order_by=("order", "pk"))
    assigned = tables.Column("分配", attrs=_num())
    completed = tables.Column("已办结", attrs=_num())
    on_time = tables.Column("按时办结", attrs=_num("在原定时限（延期前）内办结"))
    overdue = tables.Column("逾期", attrs=_num("超过完成时限未办结，或周期性任务漏报"))
    extensions = tables.Column("获批延期", attrs=_num("批准的延期申请"))
    reminders = tables.Column("收到催办", attrs=_num("邮件提醒、站内提醒和督办单的次数"))
    completion_rate = tables.Column("完成率", attrs=_num("已办结 ÷ 分配"))
    on_time_rate = tables.Column(
        "按时办结率", attrs=_num("按原定时限办结 ÷ 应办结（已办结或原定时限已过）")
    )

    class Meta:
        attrs = {"class": "grid figures ranking-table"}
        empty_text = "所选范围内没有分配了任务的单位。"

    def __init__(self, *args, supervise_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.supervise_url = supervise_url

    order_completion_rate = nulls_last("completion_rate")
    order_on_time_rate = nulls_last("on_time_rate")

    def render_name(self, record) -> str:
        url = reverse("unit_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>{}', url, record.name, place_note(record))

    def render_overdue(self, value, record) -> str:
        if not value:
            return _ZERO
        if not self.supervise_url:
            return format_html('<span class="late-count">{}</span>', value)
        return format_html(
            '<span class="late-count">{}</span> <a class="small" href="{}?unit={}">督办</a>',
            value,
            self.supervise_url,
            record.pk,
        )

    def render_extensions(self, value) -> str:
        return value or _ZERO

    def render_reminders(self, value) -> str:
        return value or _ZERO

    def render_completion_rate(self, value) -> str:
        return rate_text(value)

    def render_on_time_rate(self, value) -> str:
        return rate_text(value)


# ---- 督办单 (reports/views.py · supervision_list) ---------------------------------------------------


class SupervisionTable(BoundedTable):
    doc_number = tables.Column("文号")
    unit = tables.Column("督办单位", order_by=("unit__name",))
    items = tables.Column("督办事项", attrs=_num())
    issued_at = tables.DateTimeColumn(
        verbose_name="签发时间", format="Y年n月j日 H:i", order_by=("issued_at", "number")
    )
    reply_by = tables.DateColumn(verbose_name="回复期限", format="Y年n月j日")
    issued_by = tables.Column("签发人", order_by=("issued_by__username",))
    download = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        model = SupervisionNotice
        fields = ()
        sequence = (
            "doc_number",
            "unit",
            "items",
            "issued_at",
            "reply_by",
            "issued_by",
            "download",
        )
        order_by = ("-issued_at",)
        attrs = {"class": "grid supervision-table"}
        empty_text = "尚未签发督办单。"

    def render_items(self, value) -> str:
        return f"{value}项"

    def render_issued_by(self, record) -> str:
        user = record.issued_by
        return user.get_full_name() or user.get_username()

    def render_download(self, record) -> str:
        if not record.file:
            return "—"
        return format_html(
            '<a href="{}">下载 Word</a>', reverse("supervision_file", args=[record.pk])
        )


class SupervisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="单位或文号",
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "单位名称、文号"}),
    )
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)

    class Meta:
        model = SupervisionNotice
        fields = ["q", "year"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__name__icontains=value) | Q(doc_number__icontains=value))
