"""The 措施台账: one row per measure, filters, and the office's bulk actions on ticked rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from safetyplan.tables import LightRows
from tasks import clock, figures, measure_rows, services, stats, wide_counts
from tasks.access import visible_measures
from tasks.filters import MeasureFilter
from tasks.forms_measures import BulkForm, UnitRows
from tasks.models import Assignment
from tasks.tables import MeasureTable
from tasks.views.notices import SEES_JURISDICTION, unit_assignments
from units.access import get_actor, office_required, role_required


@lru_cache(maxsize=4)
def chip_assignments(today: dt.date) -> QuerySet[Assignment]:
    """``unit_assignments(today)``, built once a day: resolving its missed-periods expression
    took 5 ms a request. Never evaluated itself; the table filters (so copies) it."""
    return unit_assignments(today)


class MeasureListView(SingleTableMixin, FilterView):
    table_class = MeasureTable
    filterset_class = MeasureFilter
    template_name = "tasks/measure_list.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        # The page reads its rows' fields as values (get_table_data): never a notice's
        # ``parse``, a whole parsed document. The assignments are read for the page as rows
        # too (see get_table_kwargs).
        return visible_measures(get_actor(self.request.user)).order_by(
            "-task__notice__year", "task__notice_id", "task__order", "order", "id"
        )

    def get_table_data(self):
        # The page's measures as light rows (tasks.measure_rows), their SQL compiled once
        # per reach, filter, order and page; counting and sorting stay the queryset's.
        reach = stats.scope_key(get_actor(self.request.user), None, None)
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        key = (reach, wide_counts.filters_key(self.filterset), clock.today()) if valid else None
        return LightRows(
            self.object_list, fields=measure_rows.LEDGER_FIELDS,
            make=measure_rows.ledger_measures, key=key,
        )  # fmt: skip

    def get_table_pagination(self, table) -> dict:
        # A city's or a province's total is counted once a minute (tasks.wide_counts).
        options, self.counted_at = wide_counts.pagination(
            "measures",
            get_actor(self.request.user),
            self.filterset,
            per_page=self.table_pagination["per_page"],
            on=clock.today(),
            live_if=("notice", "unit"),
        )
        return options

    def get_table_kwargs(self):
        today = clock.today()
        kwargs = {
            "today": today,
            "assignments": chip_assignments(today),
            "assignments_key": ("chip_assignments", today),
        }
        if not get_actor(self.request.user).is_office:
            kwargs["exclude"] = ("select",)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor = get_actor(self.request.user)
        context.update(counted_at=self.counted_at, max_age=figures.max_age())
        units = UnitRows(actor)  # one read of the units for the filter and the bulk panel
        self.filterset.form.fields["unit"].rows = units.every
        if actor.is_office:
            path = self.request.get_full_path()
            bulk_form = BulkForm(actor=actor, initial={"next": path})
            bulk_form.fields["units"].rows = units.active
            context["bulk_form"] = bulk_form
        return context


measure_list = login_required(role_required(*SEES_JURISDICTION)(MeasureListView.as_view()))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    # Only a path on this site: anything else would go to redirect() as a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("measure_list")


@login_required
@require_POST
@office_required
def measure_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST, actor=get_actor(request.user))
    if not form.is_valid():
        messages.error(request, form.error_text() + "未做任何修改。")
        return redirect(_back(request))
    action = {
        BulkForm.ASSIGN: _bulk_assign,
        BulkForm.DUE_DATE: _bulk_due_date,
        BulkForm.RECURRENCE: _bulk_recurrence,
    }[form.cleaned_data["action"]]
    try:
        return action(request, form)
    except ValidationError as error:
        messages.error(request, "".join(error.messages) + "未做任何修改。")
        return redirect(_back(request))


def _bulk_assign(request: HttpRequest, form: BulkForm) -> HttpResponse:
    data = form.cleaned_data
    measures = list(data["measures"])
    units = services.expand_units(units=data["units"], groups=data["groups"])
    if not data["confirm"]:
        services.check_units_within(measures=measures, units=units)
        plans = services.plan_assignments(measures=measures, units=units)
        groups = [(g, list(g.resolve())) for g in data["groups"]]
        context = {"form": form, "plans": plans, "units": units, "groups": groups,
                   "role": data["role"], "back": _back(request),
                   "creates": sum(len(p.new_units) for p in plans)}  # fmt: skip
        return render(request, "tasks/measure_bulk_confirm.html", context)
    plans = services.bulk_assign_units(
        measures=measures, units=units, role=data["role"], by=request.user
    )
    created = sum(len(p.new_units) for p in plans)
    skipped = Counter(u.name for p in plans for u in p.existing_units)
    note = "；已有该措施而跳过：" + "、".join(f"{n}（{c}条）" for n, c in skipped.items())
    messages.success(
        request, f"已为 {len(plans)} 条措施新建 {created} 个任务分配{note if skipped else ''}。"
    )
    return redirect(_back(request))


def _bulk_due_date(request: HttpRequest, form: BulkForm) -> HttpResponse:
    measures, day = list(form.cleaned_data["measures"]), form.cleaned_data["due_date"]
    changed = services.set_due_date(measures=measures, due_date=day, by=request.user)
    messages.success(
        request,
        f"已将 {len(measures)} 条措施的完成时限设为{day.year}年{day.month}月{day.day}日，"
        f"同时更新 {changed} 个未办结的任务分配。",
    )
    return redirect(_back(request))


def _bulk_recurrence(request: HttpRequest, form: BulkForm) -> HttpResponse:
    measures, value = list(form.cleaned_data["measures"]), form.recurrence_value()
    services.set_recurrence(measures=measures, recurrence=value, by=request.user)
    label = dict(form.fields["recurrence"].choices)[form.cleaned_data["recurrence"]]
    messages.success(request, f"已将 {len(measures)} 条措施的报送周期设为“{label}”。")
    return redirect(_back(request))
