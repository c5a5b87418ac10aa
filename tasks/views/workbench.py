"""The home page, the office's workbench (工作台), the unit list and the unit page.

Read-only pages: the office, leaders and IT look at their jurisdiction (and those below it);
a liaison opens only their own unit's page. Figures come from ``tasks.stats`` (aggregate
queries: the number of queries does not grow with units or assignments), pictures from
``tasks.charts`` (inline SVG drawn here, no script).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from safetyplan import sqlmemo
from safetyplan.tables import SortedListData
from tasks import charts, clock, figures, stats, unit_html, unit_rows
from tasks.access import visible_assignments, visible_units
from tasks.filters import UnitAssignmentFilter, UnitListFilter, UnitScopeFilter
from tasks.models import Assignment, Measure, ProgressReport
from tasks.tables import UnitAssignmentsTable, UnitFiguresTable
from units.access import Actor, get_actor, role_required
from units.models import Unit

JURISDICTION_ROLES = ("admin", "office", "leader")
PER_PAGE = 50


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where each role starts: the workbench, the liaison's tasks, or a word about roles."""
    actor = get_actor(request.user)
    if actor.sees_jurisdiction:
        return redirect("workbench")
    if actor.is_liaison:
        try:
            return redirect(reverse("my_tasks"))
        except NoReverseMatch:
            return render(request, "tasks/home.html", {"unit": actor.unit})
    return render(request, "tasks/home.html", {"no_role": True})


# ---- 工作台 ------------------------------------------------------------------------------------


def _scope_filter(request: HttpRequest, actor: Actor) -> tuple[UnitScopeFilter, list[str]]:
    """The chosen jurisdiction and year; on bad input, the messages and the default scope."""
    filterset = UnitScopeFilter(request.GET, queryset=visible_units(actor), request=request)
    if filterset.is_valid():
        return filterset, []
    errors = [e for field in filterset.form.errors.values() for e in field]
    return UnitScopeFilter(None, queryset=visible_units(actor), request=request), errors


def scoped_assignments(actor: Actor, filterset: UnitScopeFilter) -> QuerySet[Assignment]:
    """The assignments the figures count: visible, of the chosen year, to the chosen units."""
    assignments = stats.scope(visible_assignments(actor), year=filterset.chosen_year)
    jurisdiction = filterset.chosen_jurisdiction
    return assignments.filter(unit__jurisdiction=jurisdiction) if jurisdiction else assignments


def _charts(bars: list[tuple[str, float | None]], months: list[stats.MonthRow], *, year: int):
    # Completion rate high to low, those without one last (sorted() keeps the given order).
    ranked = sorted(bars, key=lambda bar: (bar[1] is None, -(bar[1] or 0)))
    return {
        "units": charts.bar_chart(ranked, title="完成率（已办结 ÷ 分配）", chart_id="chart-units"),
        "months": charts.line_chart(
            [m.label for m in months],
            [
                charts.Series("办结", [m.completed for m in months]),
                charts.Series("逾期", [m.overdue for m in months]),
            ],
            title=f"{year}年逐月办结与逾期",
            chart_id="chart-months",
        ),
    }


def _paginate(request: HttpRequest, table: UnitFiguresTable, *, per_page: int) -> None:
    """What ``RequestConfig`` does for paging, without re-sorting (and so re-querying) data
    already fetched: the page and per-page numbers from the query string, a page number that
    is not one gives the first page, one past the end the last."""
    kwargs = {"per_page": per_page}
    for arg in ("page", "per_page"):
        try:
            kwargs[arg] = int(request.GET[getattr(table, f"prefixed_{arg}_field")])
        except (KeyError, ValueError):
            pass
    try:
        table.paginate(**kwargs)
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)


@login_required
@role_required(*JURISDICTION_ROLES)
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    actor, today = get_actor(request.user), clock.today()
    filterset, errors = _scope_filter(request, actor)
    year = filterset.chosen_year or today.year
    wide = figures.is_wide(actor, filterset.chosen_jurisdiction)
    if wide:
        snapshot = figures.workbench(actor, year=filterset.chosen_year, on=today)
        units, totals, months = SortedListData(snapshot.units), snapshot.totals, snapshot.months
        computed_at = snapshot.computed_at
    else:
        assignments = scoped_assignments(actor, filterset)
        key = stats.scope_key(actor, filterset.chosen_jurisdiction, filterset.chosen_year)
        rows = stats.unit_figure_rows(filterset.qs, assignments, on=today, key=key)
        units = SortedListData(rows)
        totals, computed_at = stats.totals(assignments, on=today, key=key), None
        months = stats.by_month(assignments, year=year, on=today, key=key)
    # Not ``request=``: the table would configure (and count) itself with default paging.
    table = UnitFiguresTable(units, year=filterset.chosen_year)
    RequestConfig(request, paginate=False).configure(table)  # the order asked for
    if wide:  # one bar per county: one per unit of a province would be thousands
        bars, chart_title = snapshot.jurisdictions, "各县（区）完成率"
    else:
        # The chart draws every unit: fetch the sorted figures once, and let the table count
        # and page them from that result instead of querying the figures twice more.
        every_unit = sorted(table.data.data, key=lambda u: (u.order, u.pk))
        bars, chart_title = [(u.name, u.completion_rate) for u in every_unit], "各单位完成率"
    _paginate(request, table, per_page=PER_PAGE)
    context = {
        "filter": filterset,
        "errors": errors,
        "table": table,
        "today": today,
        "year": year,
        "totals": totals,
        "computed_at": computed_at,
        "max_age": figures.max_age(),
        "chart_title": chart_title,
        "charts": _charts(bars, months, year=year),
    }
    return render(request, "tasks/workbench.html", context)


# ---- 单位 --------------------------------------------------------------------------------------


@method_decorator([login_required, role_required(*JURISDICTION_ROLES)], name="dispatch")
@method_decorator(require_GET, name="dispatch")
class UnitListView(SingleTableMixin, FilterView):
    """Every unit of the chosen jurisdiction, with its figures and light, sortable."""

    filterset_class = UnitListFilter
    table_class = UnitFiguresTable
    template_name = "tasks/unit_list.html"
    table_pagination = {"per_page": PER_PAGE}

    def get_queryset(self) -> QuerySet:
        return visible_units(get_actor(self.request.user))

    def get_table_data(self) -> QuerySet:
        assignments = scoped_assignments(get_actor(self.request.user), self.filterset)
        figures = stats.unit_figures(self.object_list, assignments, on=clock.today(), idle=True)
        return figures.filter(Q(is_active=True) | Q(assigned__gt=0))

    def get_table_kwargs(self) -> dict:
        return {"year": self.filterset.chosen_year}

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(today=clock.today(), **kwargs)


unit_list = UnitListView.as_view()


def unit_history(
    assignments: QuerySet[Assignment], *, limit: int = 20, key: Hashable = None
) -> list[dict]:
    """The latest changes to ``assignments`` (who, when, what), in one query. With a ``key``
    naming everything ``assignments`` depends on, the query is compiled once
    (``sqlmemo.value_rows``): its four subqueries cost more to build than to run."""
    historical = Assignment.history.model

    def build() -> QuerySet:
        before = historical.objects.filter(
            id=OuterRef("id"), history_id__lt=OuterRef("history_id")
        ).order_by("-history_id")
        return (
            historical.objects.filter(id__in=assignments.values("pk"))
            .select_related("history_user", "measure")
            .annotate(
                was_status=Subquery(before.values("status")[:1]),
                was_due=Subquery(before.values("due_date")[:1]),
                was_percent=Subquery(before.values("latest_percent")[:1]),
                was_report_at=Subquery(before.values("latest_report_at")[:1]),
            )
            .order_by("-history_date", "-history_id")[:limit]
        )

    if key is None:
        records = list(build())
    else:
        rows = sqlmemo.value_rows(
            ("unit_history", key, limit), lambda: build().values_list(*_HISTORY_FIELDS)
        )
        records = [_history_record(historical, row) for row in rows]
    return [{"record": r, "changes": _changes(r)} for r in records]


# What the history table and _changes read of a record, its user and its measure.
_HISTORY_FIELDS = (
    "history_id",
    "history_date",
    "history_type",
    "id",
    "role",
    "status",
    "due_date",
    "latest_percent",
    "latest_report_at",
    "was_status",
    "was_due",
    "was_percent",
    "was_report_at",
    "history_user_id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
    "measure_id",
    "measure__text",
)
_HISTORY_OWN = 9  # the record's own fields; then its annotations, user and measure


def _history_record(historical: type, row: tuple):
    """A historical record as ``select_related("history_user", "measure")`` gives it, with
    the ``was_*`` annotations, from a row of ``_HISTORY_FIELDS``."""
    from django.contrib.auth import get_user_model

    r = historical(**dict(zip(_HISTORY_FIELDS[:_HISTORY_OWN], row[:_HISTORY_OWN], strict=True)))
    r.was_status, r.was_due, r.was_percent, r.was_report_at = row[9:13]
    user_id, username, first_name, last_name, measure_id, text = row[13:]
    r.history_user = (
        get_user_model()(pk=user_id, username=username, first_name=first_name, last_name=last_name)
        if user_id is not None
        else None
    )
    r.measure = Measure(pk=measure_id, text=text) if text is not None else None
    return r


def _changes(r) -> list[str]:
    """What a history record changed, in words."""
    if r.history_type == "+":
        due = f"，完成时限{_cn_date(r.due_date)}" if r.due_date else ""
        return [f"分配给本单位（{Assignment.Role(r.role).label}）{due}"]
    if r.history_type == "-":
        return ["删除"]
    changes = []
    reported = bool(r.latest_report_at) and r.was_report_at != r.latest_report_at
    if reported:
        changes.append("报送进展")
    if r.was_status and r.was_status != r.status:
        was, now = Assignment.Status(r.was_status).label, Assignment.Status(r.status).label
        changes.append(f"状态：{was} → {now}")
    if r.was_due != r.due_date:
        changes.append(f"完成时限：{_cn_date(r.was_due)} → {_cn_date(r.due_date)}")
    if r.was_percent is not None and r.was_percent != r.latest_percent:
        changes.append(f"进度：{r.was_percent}% → {r.latest_percent}%")
    elif reported:
        changes.append(f"进度仍为{r.latest_percent}%")
    return changes or ["更新"]


def _cn_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "未设"


def unit_reports(
    unit: Unit, assignments: QuerySet[Assignment], *, limit: int = 10, key: Hashable = None
) -> list[ProgressReport]:
    """The latest reports of ``unit`` on ``assignments``, with their author, measure and
    number of files. With a ``key`` naming everything ``assignments`` depends on, the query
    is compiled once (``sqlmemo.value_rows``)."""

    def build() -> QuerySet[ProgressReport]:
        return (
            # assignment__unit as well: it is implied by ``assignments``, but it lets
            # PostgreSQL start from the unit's assignments instead of joining every report
            # (4 s → 15 ms at 4 million).
            ProgressReport.objects.filter(assignment__unit=unit, assignment__in=assignments)
            .select_related("author", "assignment__measure")
            .annotate(evidence_count=Count("evidence"))
            # Explicit: a GROUP BY query does not take Meta.ordering, and PostgreSQL then
            # gave any ten reports, not the latest.
            .order_by("-created_at", "-id")[:limit]
        )

    if key is None:
        return list(build())
    rows = sqlmemo.value_rows(
        ("unit_reports", unit.pk, key, limit), lambda: build().values_list(*_REPORT_FIELDS)
    )
    return [_report(row) for row in rows]


# What the reports table reads of a report, its author and its measure.
_REPORT_FIELDS = (
    "id",
    "kind",
    "text",
    "percent",
    "created_at",
    "evidence_count",
    "author_id",
    "author__username",
    "author__first_name",
    "author__last_name",
    "assignment_id",
    "assignment__measure_id",
    "assignment__measure__text",
)


def _report(row: tuple) -> ProgressReport:
    """A report as ``select_related("author", "assignment__measure")`` gives it."""
    from django.contrib.auth import get_user_model

    pk, kind, text, percent, created_at, evidence_count = row[:6]
    author_id, username, first_name, last_name = row[6:10]
    assignment_id, measure_id, measure_text = row[10:]
    r = ProgressReport(pk=pk, kind=kind, text=text, percent=percent, created_at=created_at)
    r.evidence_count = evidence_count
    r.author = get_user_model()(
        pk=author_id, username=username, first_name=first_name, last_name=last_name
    )
    r.assignment = Assignment(pk=assignment_id, measure=Measure(pk=measure_id, text=measure_text))
    return r


def _unit_key(actor: Actor, unit: Unit) -> tuple:
    """Everything the unit page's ``mine`` depends on: who asks, and the unit."""
    return (
        "unit_detail",
        actor.role,
        actor.jurisdiction.path if actor.jurisdiction else None,
        actor.unit.pk if actor.unit else None,
        unit.pk,
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything assigned to one unit: lights, progress, dates, status; reports; history."""
    actor, today = get_actor(request.user), clock.today()
    unit = get_object_or_404(visible_units(actor).select_related("jurisdiction"), pk=pk)
    mine = stats.scope(visible_assignments(actor).filter(unit=unit))
    filterset = UnitAssignmentFilter(request.GET, queryset=mine, request=request)
    assignments = filterset.qs  # invalid input: the errors are shown, the filter is not applied
    # What ``mine`` depends on, the key under which the lit rows' and the totals' SQL is
    # compiled once (``safetyplan.sqlmemo``); the rows also on the filters applied.
    key = _unit_key(actor, unit)
    applied = tuple((name, filterset.form.cleaned_data.get(name)) for name in filterset.filters)
    rows = unit_rows.RankedRows(assignments, on=today, key=(key, applied))
    table = UnitAssignmentsTable(rows, today=today, request=request)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    year = filterset.form.cleaned_data.get("year") if filterset.is_valid() else None
    of_year = stats.scope(mine, year=year)  # the tiles, reports and history: the year only
    reports = unit_reports(unit, of_year, key=(key, year))
    history = unit_history(of_year, key=(key, year))
    context = {
        "unit": unit,
        "filter": filterset,
        "table": table,
        "today": today,
        "year": year,
        "totals": stats.totals(of_year, on=today, key=(key, year)),
        "reports": reports,
        "history": history,
        # The two tables built in Python (tasks/unit_html.py): 30 rows of template filters.
        "reports_html": unit_html.reports_html(reports),
        "history_html": unit_html.history_html(history),
    }
    return render(request, "tasks/unit_detail.html", context)
