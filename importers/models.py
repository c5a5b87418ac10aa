"""An upload waiting for the office's review: nothing of it reaches the notices until confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from units.models import Jurisdiction


class ImportDraft(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "待确认"
        CONFIRMED = "confirmed", "已导入"
        DISCARDED = "discarded", "已放弃"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    filename = models.CharField("文件名", max_length=255)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    checksum = models.CharField("校验值", max_length=64)
    parse = models.JSONField("解析结果（可修改）", default=dict)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    revision_of = models.ForeignKey(
        "tasks.Notice",
        verbose_name="修订的通知",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice = models.ForeignKey(
        "tasks.Notice",
        verbose_name="导入后的通知",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_drafts",
    )

    class Meta:
        verbose_name = "导入草稿"
        verbose_name_plural = "导入草稿"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"
