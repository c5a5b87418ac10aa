"""Notices and what they assign: tasks, measures, assignments, progress reports and reviews."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tasks import periods, rules
from units.models import Jurisdiction, Unit

USER = settings.AUTH_USER_MODEL
DUE_SOON_DAYS = rules.DUE_SOON_DAYS


class Recurrence(models.TextChoices):
    WEEKLY = periods.WEEKLY, "每周"
    MONTHLY = periods.MONTHLY, "每月"
    QUARTERLY = periods.QUARTERLY, "每季度"
    SEMIANNUAL = periods.SEMIANNUAL, "每半年"
    YEARLY = periods.YEARLY, "每年"


class Notice(models.Model):
    """An imported notice (一号文件) or division table (重点任务分工)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "通知"
        DIVISION_TABLE = "division_table", "任务分工表"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    year = models.PositiveIntegerField("年度")
    issued_on = models.DateField("成文日期", null=True, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    source_file = models.FileField("原始文件", upload_to="notices/%Y/", blank=True)
    source_name = models.CharField("原始文件名", max_length=255, blank=True)
    checksum = models.CharField("文件校验值（SHA-256）", max_length=64, blank=True, db_index=True)
    parse = models.JSONField("确认的解析结果", default=dict, blank=True, editable=False)
    imported_by = models.ForeignKey(
        USER,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-year", "-imported_at"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A numbered item of a notice: （一） in prose, a 序号 row in a division table."""

    notice = models.ForeignKey(
        Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.CharField("序号", max_length=20, blank=True)
    chapter = models.CharField("所属部分", max_length=200, blank=True)
    title = models.CharField("任务", max_length=300, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["notice", "order", "id"]

    def __str__(self) -> str:
        label = f"（{self.number}）" if self.number else ""
        return f"{label}{self.title or '（无标题）'}"


class MeasureQuerySet(models.QuerySet):
    def active(self) -> MeasureQuerySet:
        return self.filter(withdrawn=False)


class Measure(models.Model):
    """One thing to do: a table row, or a sentence of a notice."""

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField("主要内容")
    topic = models.CharField("小标题", max_length=200, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    recurrence = models.CharField(
        "报送周期", max_length=20, choices=Recurrence.choices, blank=True, default=""
    )
    due_date = models.DateField("完成时限", null=True, blank=True)
    withdrawn = models.BooleanField(
        "已撤销", default=False, help_text="通知修订后不再包含此措施；保留记录，不删除"
    )
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = "措施"
        verbose_name_plural = "措施"
        ordering = ["task", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    def status(self, on: dt.date) -> str:
        """已办结 when every assignment is, 逾期 when any is overdue, else the furthest behind.

        Reads ``self.assignments.all()``, so prefetch them for lists.
        """
        assignments = [a for a in self.assignments.all()]
        if not assignments:
            return "未分配"
        if all(a.status == Assignment.Status.DONE for a in assignments):
            return Assignment.Status.DONE.label
        if any(a.is_overdue(on) for a in assignments):
            return "逾期"
        order = [s.value for s in Assignment.Status]
        lowest = min(assignments, key=lambda a: order.index(a.status))
        return lowest.get_status_display()


class AssignmentQuerySet(models.QuerySet):
    def open(self) -> AssignmentQuerySet:
        return self.exclude(status=Assignment.Status.DONE)

    def overdue(self, *, on: dt.date) -> AssignmentQuerySet:
        """Due date passed and not 已办结 (after an approved extension, the new date)."""
        return self.open().filter(due_date__lt=on)

    def due_soon(self, *, on: dt.date) -> AssignmentQuerySet:
        """Due within the next 7 calendar days, today included, and not 已办结."""
        last = on + dt.timedelta(days=DUE_SOON_DAYS - 1)
        return self.open().filter(due_date__gte=on, due_date__lte=last)

    def with_missed_periods(self, *, on: dt.date) -> AssignmentQuerySet:
        """Annotate ``missed_periods``: periods of a recurring measure, from the one in which the
        assignment was made up to the last one ended before ``on``, with no report."""
        return self.annotate(missed_periods=rules.missed_periods(on))

    def recurring_overdue(self, *, on: dt.date) -> AssignmentQuerySet:
        """Recurring assignments with at least one ended period and no report for it."""
        return self.with_missed_periods(on=on).filter(missed_periods__gt=0)

    def late(self, *, on: dt.date) -> AssignmentQuerySet:
        """Red: overdue by date, or a recurring period missed."""
        missed = self.with_missed_periods(on=on)
        return missed.filter(
            Q(missed_periods__gt=0) | (Q(due_date__lt=on) & ~Q(status=Assignment.Status.DONE))
        )

    def with_schedule_lag(self, *, on: dt.date) -> AssignmentQuerySet:
        """Alias ``_lag``: positive when the latest percent is behind the time elapsed (scaled
        by the span, so that the comparison stays in integers on every database)."""
        return self.alias(_lag=rules.schedule_lag(on))

    def behind_schedule(self, *, on: dt.date) -> AssignmentQuerySet:
        """序时进度: open assignments with a due date, not red (not overdue, no missed period),
        whose latest reported percent is behind the share of time elapsed from ``start_date``
        to ``due_date`` on ``on``. Same rule as ``Assignment.schedule_lag``."""
        return (
            self.with_missed_periods(on=on)
            .filter(due_date__gte=on, due_date__gt=F("start_date"), missed_periods=0)
            .exclude(status=Assignment.Status.DONE)
            .with_schedule_lag(on=on)
            .filter(_lag__gt=0)
        )

    def in_jurisdiction_of(self, jurisdiction: Jurisdiction) -> AssignmentQuerySet:
        return self.filter(measure__task__notice__jurisdiction__path__startswith=jurisdiction.path)


def _local_today() -> dt.date:
    return timezone.localdate()


class Assignment(models.Model):
    """A measure given to one unit, with that unit's role, deadline and status."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        COOPERATE = "cooperate", "配合"
        RESPONSIBLE = "responsible", "负责"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        REQUESTED = "requested", "申请办结"
        DONE = "done", "已办结"

    # What each status may become; anything else is refused by ``transition_to``.
    TRANSITIONS = {
        Status.NOT_STARTED: {Status.IN_PROGRESS, Status.REQUESTED},
        Status.IN_PROGRESS: {Status.REQUESTED},
        Status.REQUESTED: {Status.DONE, Status.IN_PROGRESS},
        Status.DONE: set(),
    }

    measure = models.ForeignKey(
        Measure, verbose_name="措施", on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.RESPONSIBLE)
    due_date = models.DateField("完成时限", null=True, blank=True, db_index=True)
    original_due_date = models.DateField(
        "原定时限", null=True, blank=True, help_text="批准延期前的时限，考核以此为准"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED, db_index=True
    )
    start_date = models.DateField("分配日期", default=_local_today)
    # Period numbers of start_date (see tasks.periods), so that missed periods are SQL arithmetic.
    start_month = models.IntegerField(editable=False, default=0)
    start_week = models.IntegerField(editable=False, default=0)
    # Distinct periods reported from the first one on, and the latest reported: kept by
    # tasks.period_counts so that missed periods need no count of reports.
    reported_periods = models.PositiveIntegerField("已报送期数", default=0, editable=False)
    last_period_index = models.IntegerField(null=True, blank=True, editable=False)
    latest_percent = models.PositiveSmallIntegerField("最新进度（%）", default=0)
    latest_report_at = models.DateTimeField("最近报送", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER,
        verbose_name="分配人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField("分配时间", default=timezone.now)
    # Raised on every change, so that the second of two people acting at once is told.
    version = models.PositiveIntegerField("版本", default=1)
    history = HistoricalRecords(excluded_fields=["reported_periods", "last_period_index"])

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "任务分配"
        verbose_name_plural = "任务分配"
        ordering = ["measure", "role", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit"],
                name="assignment_unique_unit",
                violation_error_message="同一措施不能重复分配给同一单位。",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"]),
            # The review queue: 申请办结 oldest first, without sorting every request.
            models.Index(fields=["status", "latest_report_at", "id"], name="assignment_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.measure}"

    def save(self, *args, **kwargs) -> None:
        self.start_month = periods.month_index(self.start_date)
        self.start_week = periods.week_index(self.start_date)
        if self.original_due_date is None and self.due_date is not None and self._state.adding:
            self.original_due_date = self.due_date
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "start_month", "start_week"}
        super().save(*args, **kwargs)

    def transition_to(self, status: str) -> None:
        """Move to ``status`` or raise a ValidationError saying why not, in Chinese."""
        current = self.Status(self.status)
        target = self.Status(status)
        if target not in self.TRANSITIONS[current]:
            raise ValidationError(
                f"状态不能从“{current.label}”变为“{target.label}”。",
                code="invalid_transition",
            )
        self.status = target
        if target == self.Status.DONE:
            self.completed_at = timezone.now()

    def is_overdue(self, on: dt.date) -> bool:
        return self.status != self.Status.DONE and self.due_date is not None and self.due_date < on

    def is_due_soon(self, on: dt.date) -> bool:
        if self.status == self.Status.DONE or self.due_date is None:
            return False
        return on <= self.due_date <= on + dt.timedelta(days=DUE_SOON_DAYS - 1)

    def missed_periods_list(self, on: dt.date) -> list[periods.Period]:
        """The ended periods with no report. Reads ``self.reports.all()``: prefetch for lists."""
        recurrence = self.measure.recurrence
        if not recurrence or self.status == self.Status.DONE:
            return []
        reported = {r.period_index for r in self.reports.all() if r.period_index is not None}
        return [
            p
            for p in periods.ended_periods(self.start_date, on, recurrence)
            if p.index not in reported
        ]

    def schedule_lag(self, on: dt.date) -> int:
        """序时进度: percentage points by which ``latest_percent`` is behind the share of time
        elapsed from ``start_date`` to ``due_date`` on ``on`` (rounded up, so > 0 exactly when
        behind). 0 when done, without a due date, or past the due date (that is red already).
        ``AssignmentQuerySet.behind_schedule`` is the same rule in SQL."""
        if self.status == self.Status.DONE or self.due_date is None or self.due_date < on:
            return 0
        span = (self.due_date - self.start_date).days
        if span <= 0:
            return 0
        lag = 100 * (on - self.start_date).days - self.latest_percent * span
        return max(0, -(-lag // span))

    def light(self, on: dt.date, missed_periods: int | None = None) -> str:
        """红 / 黄 / 绿: red when overdue or a period was missed, yellow when due soon or behind
        序时进度 (see ``schedule_lag``)."""
        if self.status == self.Status.DONE:
            return "green"
        missed = missed_periods if missed_periods is not None else len(self.missed_periods_list(on))
        if self.is_overdue(on) or missed:
            return "red"
        if self.is_due_soon(on) or self.schedule_lag(on):
            return "yellow"
        return "green"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Names the app chooses: the original name is kept in the database, never on disk."""
    suffix = Path(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ProgressReport(models.Model):
    """A liaison's report. Never edited after it is sent: a correction is a new report."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "进展报送"
        COMPLETION = "completion", "申请办结"

    assignment = models.ForeignKey(
        Assignment, verbose_name="任务分配", on_delete=models.PROTECT, related_name="reports"
    )
    author = models.ForeignKey(
        USER, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField(
        "完成进度（%）", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    period_start = models.DateField("报送周期", null=True, blank=True)
    period_index = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField("报送时间", default=timezone.now)

    class Meta:
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="report_percent_range",
                violation_error_message="完成进度必须在 0 到 100 之间。",
            ),
        ]
        indexes = [models.Index(fields=["assignment", "period_index"])]

    def __str__(self) -> str:
        return f"{self.assignment.unit} {self.created_at:%Y-%m-%d} {self.percent}%"

    def period(self) -> periods.Period | None:
        recurrence = self.assignment.measure.recurrence
        if self.period_index is None or not recurrence:
            return None
        return periods.Period(recurrence, self.period_index)


class Evidence(models.Model):
    """A file attached to a report: a photo, meeting minutes, a document (佐证材料)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name="进展报送", on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("类型", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """The office's decision on a completion request: 办结 or 退回 with a reason."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", "办结"
        RETURN = "return", "退回"

    assignment = models.ForeignKey(
        Assignment, verbose_name="任务分配", on_delete=models.PROTECT, related_name="reviews"
    )
    report = models.ForeignKey(
        ProgressReport, verbose_name="办结申请", on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField("结论", max_length=20, choices=Decision.choices)
    reason = models.TextField("理由", blank=True)
    reviewer = models.ForeignKey(
        USER, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("审核时间", default=timezone.now)

    class Meta:
        verbose_name = "办结审核"
        verbose_name_plural = "办结审核"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.assignment}"

    def clean(self) -> None:
        if self.decision == self.Decision.RETURN and not self.reason.strip():
            raise ValidationError({"reason": "退回时必须填写理由。"})


class ExtensionRequest(models.Model):
    """延期申请: the original date stays on the assignment for assessment."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    assignment = models.ForeignKey(
        Assignment, verbose_name="任务分配", on_delete=models.PROTECT, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        USER, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_date = models.DateField("申请延至")
    reason = models.TextField("理由")
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        USER,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    approved_date = models.DateField("批准延至", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-created_at", "-id"]
        # The review queue: pending requests oldest first, without sorting every request.
        indexes = [models.Index(fields=["status", "created_at", "id"], name="extension_queue")]

    def __str__(self) -> str:
        return f"{self.assignment}（延至{self.requested_date}）"
