"""Forms of the 督办单 and 通报 pages. Bad input gets a Chinese message and issues nothing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet

from reports import ranking
from safetyplan.fields import SafeModelChoiceField
from units.models import Jurisdiction, Unit

ALL = "all"


class SupervisionForm(forms.Form):
    """Whom to supervise (one unit with overdue items, or all of them) and the reply date."""

    target = forms.ChoiceField(
        label="督办对象",
        error_messages={
            "required": "请选择督办对象。",
            "invalid_choice": "所选单位不在可督办的范围内（或已没有逾期任务），请重新选择。",
        },
    )
    reply_by = forms.DateField(
        label="回复期限",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "请填写回复期限。",
            "invalid": "请按“2024-03-08”格式填写日期。",
        },
        help_text="被督办单位须在此日期前书面报送办理情况；默认为7天后。",
    )

    def __init__(self, *args, units: QuerySet[Unit], today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.today = today
        total = sum(u.overdue for u in self.units.values())
        choices = [(pk, f"{u.name}（逾期{u.overdue}项）") for pk, u in self.units.items()]
        if choices:
            choices.insert(0, (ALL, f"全部有逾期任务的单位（{len(choices)}个单位，共{total}项）"))
        self.fields["target"].choices = [("", "请选择…"), *choices]

    def clean_reply_by(self) -> dt.date:
        value = self.cleaned_data["reply_by"]
        if value <= self.today:
            raise forms.ValidationError("回复期限必须晚于今天。")
        if value > self.today + dt.timedelta(days=90):
            raise forms.ValidationError("回复期限不能超过90天。")
        return value

    def chosen_units(self) -> list[Unit]:
        target = self.cleaned_data["target"]
        return list(self.units.values()) if target == ALL else [self.units[target]]


class BulletinForm(forms.Form):
    """Which jurisdiction's units, and which month or quarter, a 通报 is about."""

    jurisdiction = SafeModelChoiceField(
        label="行政区划",
        queryset=Jurisdiction.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "所选行政区划不存在或不在您的范围内。"},
    )
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        error_messages={"required": "请选择年度。", "invalid_choice": "没有该年度的通知。"},
    )
    period = forms.ChoiceField(
        label="期间",
        choices=ranking.PERIOD_CHOICES,
        error_messages={"required": "请选择月份或季度。", "invalid_choice": "请选择月份或季度。"},
    )

    def __init__(
        self, *args, jurisdictions: QuerySet[Jurisdiction], years: list[int], today, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["year"].choices = [(y, f"{y}年") for y in years]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("year") and data.get("period"):
            chosen = ranking.period(data["year"], data["period"])
            if chosen.start > self.today:
                self.add_error("period", f"{chosen.label}尚未开始，不能通报。")
            else:
                data["chosen_period"] = chosen
        return data
