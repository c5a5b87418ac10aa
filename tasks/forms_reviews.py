"""Forms of the office's review queue: accept / return a completion request, decide an extension."""

from __future__ import annotations

from django import forms

from tasks.models import ExtensionRequest

ACCEPT, RETURN = "accept", "return"
APPROVE, REFUSE = "approve", "refuse"


class ReviewForm(forms.Form):
    """办结 or 退回. The decision comes from the button pressed; the version from a hidden field."""

    decision = forms.ChoiceField(
        label="审核结论",
        choices=[(ACCEPT, "办结"), (RETURN, "退回")],
        error_messages={"required": "请选择“办结”或“退回”。", "invalid_choice": "审核结论无效。"},
    )
    reason = forms.CharField(
        label="审核意见 / 退回理由",
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "退回时必须填写理由，如：缺少现场照片"}
        ),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "页面已过期，请刷新后重试。",
            "invalid": "页面已过期，请刷新后重试。",
            "min_value": "页面已过期，请刷新后重试。",
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", "退回时必须填写退回理由，告诉联络员还缺什么。")
        return data

    @property
    def accepts(self) -> bool:
        return self.cleaned_data["decision"] == ACCEPT


class ExtensionDecisionForm(forms.Form):
    """Approve with a new date (default: the requested one) or refuse with a note."""

    decision = forms.ChoiceField(
        label="审批结论",
        choices=[(APPROVE, "批准"), (REFUSE, "不批准")],
        error_messages={"required": "请选择“批准”或“不批准”。", "invalid_choice": "审批结论无效。"},
    )
    new_date = forms.DateField(
        label="批准延至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请输入有效的日期，如 2024-08-31。"},
    )
    note = forms.CharField(
        label="审批意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "不批准时必须填写理由"}),
    )

    def __init__(self, *args, extension: ExtensionRequest, **kwargs):
        kwargs.setdefault("initial", {"new_date": extension.requested_date})
        super().__init__(*args, **kwargs)
        self.extension = extension

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        due = self.extension.assignment.due_date
        if decision == APPROVE:
            new_date = data.get("new_date")
            if new_date is None and "new_date" not in self.errors:
                self.add_error("new_date", "批准延期须填写新的完成时限。")
            elif new_date is not None and due is not None and new_date <= due:
                self.add_error(
                    "new_date",
                    f"批准延至的日期必须晚于当前完成时限（{due.year}年{due.month}月{due.day}日）。",
                )
        if decision == REFUSE and not (data.get("note") or "").strip():
            self.add_error("note", "不批准时必须填写审批意见，说明理由。")
        return data

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == APPROVE
