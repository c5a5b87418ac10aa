"""django-filter filter sets of the product's list pages. Each area appends its own section."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator

from safetyplan.fields import (
    NamedModelChoiceFilter,
    PlaceModelChoiceFilter,
    SafeModelChoiceField,
    SafeModelChoiceFilter,
)
from safetyplan.widgets import FastTextInput, ManyOptionsSelect
from tasks import clock
from tasks.access import visible_notices, visible_units
from tasks.models import Assignment, Measure, Notice, Recurrence, Task
from units.access import get_actor
from units.models import Unit

# ---- 联络员：我的任务 (tasks/views/liaison.py · my_tasks) -------------------------------------


# A keyword longer than this is no search: SQLite refuses a LIKE pattern past 50,000 bytes.
Q_MAX_LENGTH = 100


class MyTasksFilter(django_filters.FilterSet):
    """Filters the liaison's list. ``light`` reads the ``urgency`` annotation of that view's
    queryset (0 red, 1 yellow, 2 other open, 3 done)."""

    LIGHTS = (("red", "逾期（含漏报）"), ("yellow", "临期（7天内到期）"), ("green", "正常"))

    q = django_filters.CharFilter(
        label="关键词",
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        widget=FastTextInput(attrs={"placeholder": "措施内容、任务"}),
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=Assignment.Status.choices, empty_label="全部状态",
        widget=ManyOptionsSelect,
    )  # fmt: skip
    light = django_filters.ChoiceFilter(
        label="红黄绿灯", choices=LIGHTS, method="filter_light", empty_label="全部",
        widget=ManyOptionsSelect,
    )  # fmt: skip

    class Meta:
        model = Assignment
        fields = ["q", "status", "light"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(measure__text__icontains=value)
            | Q(measure__task__title__icontains=value)
            | Q(measure__topic__icontains=value)
        )

    def filter_light(self, queryset, name, value):
        if value == "red":
            return queryset.filter(urgency=0)
        if value == "yellow":
            return queryset.filter(urgency=1)
        return queryset.filter(urgency__gte=2)


# ---- 安委办：审核 (tasks/views/reviews.py · review_queue) -------------------------------------


def _review_units(request):
    """The units the user may see: the choices of the queue's unit filter."""
    from tasks.access import visible_units
    from units.access import get_actor
    from units.models import Unit

    if request is None:
        return Unit.objects.none()
    return visible_units(get_actor(request.user)).order_by("jurisdiction__path", "order", "id")


class _ReviewUnitFilter:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:  # a city has a 城关镇 in every county: named with it
            self.filters["unit"].extra["home"] = get_actor(self.request.user).jurisdiction


class CompletionQueueFilter(_ReviewUnitFilter, django_filters.FilterSet):
    """Narrows the completion requests of the review queue to one unit."""

    unit = PlaceModelChoiceFilter(
        label="责任单位", queryset=_review_units, empty_label="全部单位", widget=ManyOptionsSelect
    )

    class Meta:
        model = Assignment
        fields = ["unit"]


class ExtensionQueueFilter(_ReviewUnitFilter, django_filters.FilterSet):
    """The same unit filter, for the extension requests (read from the same query string)."""

    unit = PlaceModelChoiceFilter(
        label="责任单位",
        field_name="assignment__unit",
        queryset=_review_units,
        empty_label="全部单位",
        widget=ManyOptionsSelect,
    )


# ---- 安委办：通知列表、措施台账 (tasks/views/notices.py, tasks/views/measures.py) -------------


def _truncate(text: str, size: int = 24) -> str:
    return text if len(text) <= size else text[:size] + "…"


class NoticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "标题、文号"}),
    )
    year = django_filters.ChoiceFilter(label="年度", empty_label="全部年度")

    class Meta:
        model = Notice
        fields = ["q", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        notices = visible_notices(get_actor(self.request.user))
        years = notices.order_by("-year").values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(y, f"{y}年") for y in years]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))


class MeasureFilter(django_filters.FilterSet):
    """The 措施台账 filters. ``unit``, ``role``, ``status`` and ``timing`` speak of one and the
    same assignment: ``unit=5&timing=overdue`` is the measures whose assignment to unit 5 is late.
    The GET names are linked to from the workbench: keep them."""

    TIMINGS = (("overdue", "逾期（含漏报）"), ("due_soon", "临期（7天内到期）"))
    UNASSIGNED = "unassigned"
    ONCE = "once"

    # Every widget is built in Python (safetyplan.widgets): a template per option and per
    # input was a tenth of the page.
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        widget=FastTextInput(attrs={"placeholder": "内容、任务、小标题"}),
    )
    notice = SafeModelChoiceFilter(
        label="通知",
        field_name="task__notice",
        queryset=Notice.objects.none(),
        empty_label="全部通知",
        widget=ManyOptionsSelect,
    )
    year = django_filters.ChoiceFilter(
        label="年度",
        field_name="task__notice__year",
        empty_label="全部年度",
        widget=ManyOptionsSelect,
    )
    chapter = django_filters.ChoiceFilter(
        label="部分", field_name="task__chapter", empty_label="全部", widget=ManyOptionsSelect
    )
    unit = PlaceModelChoiceFilter(
        label="责任单位", queryset=Unit.objects.none(), method="by_assignment",
        empty_label="全部单位", widget=ManyOptionsSelect,
    )  # fmt: skip
    role = django_filters.ChoiceFilter(
        label="角色",
        choices=Assignment.Role.choices,
        method="by_assignment",
        empty_label="全部",
        widget=ManyOptionsSelect,
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[*Assignment.Status.choices, (UNASSIGNED, "未分配")],
        method="by_assignment",
        empty_label="全部状态",
        widget=ManyOptionsSelect,
    )
    timing = django_filters.ChoiceFilter(
        label="时限",
        choices=TIMINGS,
        method="by_assignment",
        empty_label="全部",
        widget=ManyOptionsSelect,
    )
    recurrence = django_filters.ChoiceFilter(
        label="周期",
        choices=[(ONCE, "一次性"), *Recurrence.choices],
        method="filter_recurrence",
        empty_label="全部",
        widget=ManyOptionsSelect,
    )

    class Meta:
        model = Measure
        fields = ["q", "notice", "year", "chapter", "unit", "role", "status", "timing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actor = get_actor(self.request.user)
        notices = visible_notices(actor)
        self.filters["notice"].queryset = notices.order_by("-year", "title")  # validates
        self.filters["unit"].queryset = visible_units(actor).order_by(
            "jurisdiction__path", "order", "id"
        )
        self.filters["unit"].extra["home"] = actor.jurisdiction  # named with their county
        # One query gives the notice choices and the years, which are those notices' years.
        self._notices = list(notices.order_by("-year", "title").values_list("pk", "title", "year"))
        years = dict.fromkeys(year for _, _, year in self._notices)
        self.filters["year"].extra["choices"] = [(y, f"{y}年") for y in years]
        self.filters["chapter"].extra["choices"] = self._chapters(notices)

    @property
    def form(self):
        # Built on first use, after callers may have removed filters (reports/views_ledger.py).
        if not hasattr(self, "_form"):
            field = super().form.fields.get("notice")
            if field is not None:  # the notices fetched above, rather than a query of its own
                listed = ((pk, title) for pk, title, _ in self._notices)
                field.choices = [("", field.empty_label), *listed]
        return self._form

    def _chapters(self, notices) -> list[tuple[str, str]]:
        tasks = Task.objects.filter(notice__in=notices).exclude(chapter="")
        notice_id = (self.data or {}).get("notice")
        if notice_id and str(notice_id).isdigit() and len(str(notice_id)) <= 18:
            tasks = tasks.filter(notice_id=int(notice_id))
        rows = tasks.order_by("-notice__year", "notice_id", "order", "id").values_list(
            "chapter", flat=True
        )
        return [(c, _truncate(c)) for c in dict.fromkeys(rows)]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value) | Q(topic__icontains=value) | Q(task__title__icontains=value)
        )

    def filter_recurrence(self, queryset, name, value):
        return queryset.filter(recurrence="" if value == self.ONCE else value)

    def by_assignment(self, queryset, name, value):
        return queryset  # combined into one assignment condition in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        status = data.get("status")
        if status == self.UNASSIGNED:
            queryset = queryset.filter(~Exists(Assignment.objects.filter(measure=OuterRef("pk"))))
            status = None
        assignments = Assignment.objects.all()
        if data.get("unit"):
            assignments = assignments.filter(unit=data["unit"])
        if data.get("role"):
            assignments = assignments.filter(role=data["role"])
        if status:
            assignments = assignments.filter(status=status)
        if data.get("timing"):  # a withdrawn measure is no longer followed up
            queryset = queryset.filter(withdrawn=False)
        if data.get("timing") == "overdue":
            assignments = assignments.late(on=clock.today())
        elif data.get("timing") == "due_soon":
            assignments = assignments.due_soon(on=clock.today())
        if any(data.get(k) for k in ("unit", "role", "timing")) or status:
            # ``pk IN (…)`` lists every matching assignment of every jurisdiction first: good
            # when few match (one unit's, the week's due dates), slow for a status or a role
            # (SQLite: 55 ms against 0.4 ms with EXISTS for one county's 推进中).
            if data.get("unit") or data.get("timing") == "due_soon":
                queryset = queryset.filter(pk__in=assignments.values("measure_id"))
            else:
                queryset = queryset.filter(Exists(assignments.filter(measure=OuterRef("pk"))))
        return queryset


# ---- 安委办：工作台、单位 (tasks/views/workbench.py · workbench, unit_list, unit_detail) -------


class _ListedIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.field.listed()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.listed())


class ListedModelChoiceField(SafeModelChoiceField):
    """For a short list that the page shows in full anyway: one query fetches it, for the
    choices and for checking the value given (by primary key), instead of a query each."""

    iterator = _ListedIterator

    def listed(self) -> list:
        if getattr(self, "_listed", None) is None:
            self._listed = list(self.queryset)
        return self._listed

    def _set_queryset(self, queryset) -> None:
        self._listed = None
        super()._set_queryset(queryset)

    queryset = property(SafeModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._listed = None
        return result

    def to_python(self, value):
        if value in self.empty_values:
            return None
        model = self.queryset.model
        if isinstance(value, model):
            value = value.pk
        try:
            wanted = model._meta.pk.to_python(value)
        except ValidationError:
            wanted = None
        for obj in self.listed():
            if wanted is not None and obj.pk == wanted:
                return obj
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class ListedModelChoiceFilter(SafeModelChoiceFilter):
    field_class = ListedModelChoiceField


def _scope_jurisdictions(request):
    """The jurisdictions the user may look at: their own and those below (all, for IT)."""
    from units.models import Jurisdiction

    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.filter(get_actor(request.user).jurisdiction_filter(""))


class UnitScopeFilter(django_filters.FilterSet):
    """Which units, and which year's assignments, the figures of the workbench and the unit
    list count. Without a choice: the user's own jurisdiction and the latest year."""

    jurisdiction = ListedModelChoiceFilter(
        label="行政区划", queryset=_scope_jurisdictions, empty_label="全部行政区划"
    )
    year = django_filters.ChoiceFilter(label="年度", method="scope_only", empty_label="全部年度")

    class Meta:
        model = Unit
        fields = ["jurisdiction", "year"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        from django.http import QueryDict

        actor = get_actor(request.user)
        years = list(
            visible_notices(actor).order_by("-year").values_list("year", flat=True).distinct()
        )
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if "jurisdiction" not in data and actor.jurisdiction is not None:
            data["jurisdiction"] = actor.jurisdiction.pk
        if "year" not in data:
            data["year"] = years[0] if years else ""
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["year"].extra["choices"] = [(y, f"{y}年") for y in years]

    def scope_only(self, queryset, name, value):
        return queryset  # the year picks the assignments counted, not the units (see views)

    @property
    def chosen_year(self) -> int | None:
        value = self.form.cleaned_data.get("year") if self.is_valid() else None
        return int(value) if value else None

    @property
    def chosen_jurisdiction(self):
        return self.form.cleaned_data.get("jurisdiction") if self.is_valid() else None


class UnitListFilter(UnitScopeFilter):
    """The unit list: the scope, plus a unit's name or kind."""

    q = django_filters.CharFilter(
        label="单位名称",
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "单位名称或别名"}),
    )
    kind = django_filters.ChoiceFilter(
        label="类型", choices=Unit.Kind.choices, empty_label="全部类型"
    )

    class Meta:
        model = Unit
        fields = ["jurisdiction", "year", "q", "kind"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A subquery rather than a join, so that the figures are not multiplied by aliases.
        aliased = Unit.objects.filter(aliases__name__icontains=value).values("pk")
        return queryset.filter(Q(name__icontains=value) | Q(pk__in=aliased))


class UnitAssignmentFilter(django_filters.FilterSet):
    """The unit page's list: one year's notices (the latest by default), one status."""

    year = django_filters.ChoiceFilter(
        label="年度", field_name="measure__task__notice__year", empty_label="全部年度"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=Assignment.Status.choices, empty_label="全部状态"
    )

    class Meta:
        model = Assignment
        fields = ["year", "status"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        from django.http import QueryDict

        from tasks.access import visible_assignments

        # Years of the assignments the user may see (a liaison sees no notice as such).
        years = list(
            visible_assignments(get_actor(request.user))
            .order_by("-measure__task__notice__year")
            .values_list("measure__task__notice__year", flat=True)
            .distinct()
        )
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if "year" not in data:
            data["year"] = years[0] if years else ""
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["year"].extra["choices"] = [(y, f"{y}年") for y in years]


# ---- 催办提醒 (reports/views_reminders.py · reminder_list) ------------------------------------


class ReminderFilter(django_filters.FilterSet):
    """The reminder list: by means, reason, read or not, and (office) by unit."""

    READ = (("unread", "未读"), ("read", "已读"))

    kind = django_filters.ChoiceFilter(label="方式", empty_label="全部方式")
    reason = django_filters.ChoiceFilter(label="原因", empty_label="全部原因")
    read = django_filters.ChoiceFilter(
        label="阅读", choices=READ, method="filter_read", empty_label="全部"
    )
    unit = NamedModelChoiceFilter(
        label="单位",
        field_name="assignment__unit",
        queryset=Unit.objects.none(),
        empty_label="全部单位",
        widget=ManyOptionsSelect,
    )

    def __init__(self, *args, **kwargs):
        from reports.models import Reminder

        super().__init__(*args, **kwargs)
        actor = get_actor(self.request.user)
        kinds = Reminder.Kind.choices
        if actor.is_liaison:
            kinds = [(k, label) for k, label in kinds if k != Reminder.Kind.EMAIL]
            del self.filters["unit"]
        else:
            self.filters["unit"].queryset = visible_units(actor).order_by(
                "jurisdiction__path", "order", "id"
            )
        self.filters["kind"].extra["choices"] = kinds
        self.filters["reason"].extra["choices"] = Reminder.Reason.choices

    def filter_read(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "unread")
