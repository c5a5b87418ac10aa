"""Forms of the liaison's pages: a progress report (with evidence files) and an extension request.

They check what the user typed and say what is wrong in Chinese; the writes themselves are done
by ``tasks.services``, which checks again inside its transaction.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from tasks import periods
from tasks.models import Assignment
from tasks.uploads import ALLOWED_SUFFIXES, validate_evidence_file, validate_evidence_total

MAX_FILES = 10


class MultipleFileInput(forms.FileInput):
    """``<input type="file" multiple>`` (Django docs, "Uploading multiple files")."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Cleans to a list of uploaded files, empty when none was chosen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def period_choices(assignment: Assignment, today: dt.date) -> list[tuple[str, str]]:
    """The current period first, then the ended periods with no report, newest first."""
    recurrence = assignment.measure.recurrence
    current = periods.period_of(today, recurrence)
    missed = [p for p in assignment.missed_periods_list(today) if p.index != current.index]
    choices = [(str(current.index), f"{current.label}（本期）")]
    choices += [(str(p.index), f"{p.label}（未报送，补报）") for p in reversed(missed)]
    return choices


class ReportForm(forms.Form):
    text = forms.CharField(
        label="进展情况",
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "做了什么、取得什么成效、下一步安排"}
        ),
        error_messages={"required": "请填写进展情况。"},
    )
    percent = forms.IntegerField(
        label="完成进度（%）",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": "请填写完成进度（0 到 100）。",
            "invalid": "完成进度须为 0 到 100 之间的整数。",
            "min_value": "完成进度须为 0 到 100 之间的整数。",
            "max_value": "完成进度须为 0 到 100 之间的整数。",
        },
    )
    period = forms.TypedChoiceField(
        label="报送周期",
        coerce=int,
        required=False,
        error_messages={"invalid_choice": "请选择本期或未报送的周期。"},
    )
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text=f"可一次选择多个文件（最多 {MAX_FILES} 个）：PDF、图片（JPG/PNG/GIF）或 Word/Excel 文档。",
        widget=MultipleFileInput(attrs={"accept": ",".join(sorted(ALLOWED_SUFFIXES))}),
        error_messages={
            "invalid": "上传的不是文件，请重新选择。",
            "missing": "没有收到文件，请重新选择。",
            "empty": "上传的文件是空的，请检查后重新选择。",
            "max_length": "文件名太长，请改短后再上传。",
        },
    )
    completion = forms.BooleanField(
        label="申请办结（须上传佐证材料，由安委办审核）",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assignment: Assignment, today: dt.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if assignment.measure.recurrence:
            self.fields["period"].choices = period_choices(assignment, today)
            self.fields["period"].required = True
            self.fields["period"].error_messages["required"] = "请选择报送周期。"
            self.fields[
                "period"
            ].help_text = (
                f"本措施{assignment.measure.get_recurrence_display()}报送；可补报未报送的周期。"
            )
        else:
            del self.fields["period"]

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(f"一次最多上传 {MAX_FILES} 个文件。")
        errors = []
        try:
            validate_evidence_total(files)
        except ValidationError as err:
            errors.extend(err.messages)
        for f in files:
            try:
                validate_evidence_file(f)
            except ValidationError as err:
                errors.extend(err.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self) -> dict:
        data = super().clean()
        if data.get("completion") and "files" in data and not data["files"]:
            self.add_error("files", "申请办结须上传佐证材料。")
        return data

    def period_start(self) -> dt.date | None:
        """The first day of the chosen period (None for a one-off measure)."""
        recurrence = self.assignment.measure.recurrence
        index = self.cleaned_data.get("period")
        if not recurrence or index is None:
            return None
        return periods.Period(recurrence, index).start


class ExtensionForm(forms.Form):
    requested_date = forms.DateField(
        label="申请延至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "请填写申请延至的日期。",
            "invalid": "日期格式不正确，请按“2024-06-30”的格式填写。",
        },
    )
    reason = forms.CharField(
        label="延期理由",
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "为什么不能按期完成、已做了什么"}),
        error_messages={"required": "请填写延期理由。"},
    )

    def __init__(self, *args, assignment: Assignment, today: dt.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.today = today

    def clean_requested_date(self) -> dt.date:
        day = self.cleaned_data["requested_date"]
        due = self.assignment.due_date
        if due and day <= due:
            raise ValidationError(
                f"申请延至的日期必须晚于当前完成时限（{due.year}年{due.month}月{due.day}日）。"
            )
        if day <= self.today:
            raise ValidationError("申请延至的日期必须晚于今天。")
        return day

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("请填写延期理由。")
        return reason
