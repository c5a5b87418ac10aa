"""The bulk-action form of the 措施台账 (tasks/views/measures.py · measure_bulk)."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.utils.functional import cached_property

from safetyplan.fields import PlaceNamedRows, SafeModelMultipleChoiceField
from safetyplan.widgets import FastDateInput, FastHiddenInput, ManyCheckboxes, ManyOptionsSelect
from tasks.access import visible_groups, visible_measures, visible_units
from tasks.models import Assignment, Recurrence
from units.access import Actor

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
ONCE = "once"


class UnitChoiceField(PlaceNamedRows, SafeModelMultipleChoiceField):
    """Units (or groups) named with their jurisdiction too when it is not the user's own."""

    def __init__(self, *args, home=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.home = home


class UnitRows:
    """The units ``actor`` may see, read in one query for both the 措施台账's unit filter (every
    unit, in directory order) and its bulk panel (the active ones, by kind): a province has
    4,800, and reading and naming them twice was a third of the page."""

    def __init__(self, actor: Actor) -> None:
        self.queryset = visible_units(actor).order_by("jurisdiction__path", "order", "id")

    @cached_property
    def _rows(self) -> list[tuple]:
        fields = ("pk", "name", "jurisdiction_id", "jurisdiction__name", "is_active", "kind")
        return list(self.queryset.values_list(*fields))

    def every(self) -> list[tuple]:
        return [row[:4] for row in self._rows]

    def active(self) -> list[tuple]:
        """As the bulk panel's queryset orders them: jurisdiction, kind, order, id. The rows
        come by jurisdiction, then order and id: a stable sort by kind within each
        jurisdiction's run gives that."""
        out: list[tuple] = []
        for _, run in groupby((r for r in self._rows if r[4]), key=lambda r: r[2]):
            out += (row[:4] for row in sorted(run, key=lambda r: r[5]))
        return out


class BulkForm(forms.Form):
    """One of three actions on the ticked measures. Every choice is limited to what the user may
    see, so a measure or unit of another jurisdiction slipped into the POST is refused. Its
    widgets are built in Python (safetyplan.widgets): the 措施台账 shows it on every visit."""

    ASSIGN, DUE_DATE, RECURRENCE = "assign", "due_date", "recurrence"
    ACTIONS = ((ASSIGN, "分配责任单位"), (DUE_DATE, "设定完成时限"), (RECURRENCE, "设定报送周期"))

    action = forms.ChoiceField(
        label="操作", choices=ACTIONS, error_messages={"required": "请选择要执行的操作。"}
    )
    measures = SafeModelMultipleChoiceField(
        label="措施",
        queryset=None,
        error_messages={
            "required": "请先勾选要操作的措施。",
            "invalid_choice": "所选措施中有不存在或不在您管辖范围内的（编号 %(value)s），未做任何修改。",
            "invalid_pk_value": "措施编号“%(pk)s”无效，未做任何修改。",
        },
    )
    units = UnitChoiceField(
        label="单位",
        queryset=None,
        required=False,
        widget=ManyCheckboxes,
        error_messages={
            "invalid_choice": "所选单位中有不存在、已停用或不在您管辖范围内的（编号 %(value)s）。",
            "invalid_pk_value": "单位编号“%(pk)s”无效。",
        },
    )
    groups = UnitChoiceField(
        label="单位群组",
        queryset=None,
        required=False,
        widget=ManyCheckboxes,
        error_messages={
            "invalid_choice": "所选群组中有不存在或不在您管辖范围内的（编号 %(value)s）。",
            "invalid_pk_value": "群组编号“%(pk)s”无效。",
        },
    )
    role = forms.ChoiceField(
        label="角色",
        choices=[("", "请选择"), *Assignment.Role.choices],
        required=False,
        widget=ManyOptionsSelect,
        error_messages={"invalid_choice": "角色“%(value)s”无效。"},
    )
    due_date = forms.DateField(
        label="完成时限",
        required=False,
        input_formats=DATE_FORMATS,
        widget=FastDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "完成时限的日期格式不正确，请按“2024-06-30”的格式填写。"},
    )
    recurrence = forms.ChoiceField(
        label="报送周期",
        choices=[("", "请选择"), (ONCE, "一次性（办结时报送）"), *Recurrence.choices],
        required=False,
        widget=ManyOptionsSelect,
        error_messages={"invalid_choice": "报送周期“%(value)s”无效。"},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=FastHiddenInput)

    def __init__(self, *args, actor: Actor, **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # the filter form on the same page has id_role…
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = visible_measures(actor).select_related(
            "task__notice__jurisdiction"
        )
        self.fields["units"].queryset = (
            visible_units(actor)
            .filter(is_active=True)
            .select_related("jurisdiction")
            .order_by("jurisdiction__path", "kind", "order", "id")
        )
        self.fields["units"].home = actor.jurisdiction
        self.fields["groups"].queryset = (
            visible_groups(actor)
            .select_related("jurisdiction")
            .order_by("jurisdiction__path", "order", "id")
        )
        self.fields["groups"].home = actor.jurisdiction

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.ASSIGN:
            if not data.get("units") and not data.get("groups") and not self._has_choice_errors():
                self.add_error("units", "请选择要分配的单位或单位群组。")
            if not data.get("role") and "role" not in self.errors:
                self.add_error("role", "请选择单位角色（牵头 / 配合 / 负责）。")
        elif action == self.DUE_DATE:
            if data.get("due_date") is None and "due_date" not in self.errors:
                self.add_error("due_date", "请填写完成时限。")
        elif action == self.RECURRENCE:
            if not data.get("recurrence") and "recurrence" not in self.errors:
                self.add_error("recurrence", "请选择报送周期。")
        return data

    def _has_choice_errors(self) -> bool:
        return "units" in self.errors or "groups" in self.errors

    def recurrence_value(self) -> str:
        value = self.cleaned_data["recurrence"]
        return "" if value == ONCE else value

    def error_text(self) -> str:
        """All errors in one Chinese sentence, for a message."""
        return "；".join(e for errors in self.errors.values() for e in errors)
