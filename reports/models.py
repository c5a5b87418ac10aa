"""What the office hands out and sends: 督办单 with their gapless numbers, and reminders (催办)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from units.models import Jurisdiction, Unit

USER = settings.AUTH_USER_MODEL


class DocumentCounter(models.Model):
    """The last number used, per jurisdiction, kind and year: locked while a number is taken,
    so that two 督办单 issued at the same moment get consecutive numbers, never the same."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "文号计数"
        verbose_name_plural = "文号计数"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "kind", "year"], name="counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.kind} {self.year}: {self.last}"


class SupervisionNotice(models.Model):
    """督办单: a numbered notice to one unit listing its overdue items."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="督办单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    doc_number = models.CharField("文号", max_length=60)
    reply_by = models.DateField("回复期限")
    issued_by = models.ForeignKey(
        USER, verbose_name="签发人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    file = models.FileField("文件", upload_to="supervision/%Y/", blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "number"], name="supervision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.unit}"


class Reminder(models.Model):
    """催办: one reminder about one assignment: an e-mail digest, an in-app notice, a 督办单."""

    class Kind(models.TextChoices):
        EMAIL = "email", "邮件提醒"
        IN_APP = "in_app", "站内提醒"
        SUPERVISION = "supervision", "督办单"

    class Reason(models.TextChoices):
        DUE_SOON = "due_soon", "临期"
        OVERDUE = "overdue", "逾期"
        PERIOD_MISSED = "period_missed", "未按期报送"

    assignment = models.ForeignKey(
        "tasks.Assignment",
        verbose_name="任务分配",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField("方式", max_length=20, choices=Kind.choices)
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    supervision = models.ForeignKey(
        SupervisionNotice,
        verbose_name="督办单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    created_by = models.ForeignKey(
        USER,
        verbose_name="发出人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["assignment", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assignment}"
