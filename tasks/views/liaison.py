"""The liaison's pages (我的任务, 报送进展, 申请延期) and the assignment page everyone shares.

A liaison sees and reports on their own unit's assignments; office and leaders of the
jurisdiction see the assignment page; nobody else learns that an assignment exists (404).
Reports are never edited: a correction is a new report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.constants import EMPTY_VALUES
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.data import TableListData

from safetyplan import sqlmemo
from tasks import clock, my_task_rows, periods, services
from tasks.access import get_assignment, visible_assignments
from tasks.filters import MyTasksFilter
from tasks.forms_liaison import ExtensionForm, ReportForm
from tasks.models import DUE_SOON_DAYS, Assignment, Evidence, ExtensionRequest, ProgressReport
from tasks.my_task_rows import MyTaskRow
from tasks.tables import MyTasksTable, assignment_periods, due_info
from units.access import Actor, get_actor

CLOSED = (Assignment.Status.DONE, Assignment.Status.REQUESTED)

# ---- 我的任务 ----------------------------------------------------------------------------------


def my_assignments(actor: Actor, today: dt.date) -> QuerySet[Assignment]:
    """The unit's assignments with ``missed_periods`` and ``urgency`` (0 red: overdue or a
    period missed, 1 yellow: due within 7 days or behind 序时进度, 2 other open, 3 done),
    most urgent first."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS - 1)
    urgency = Case(
        When(status=Assignment.Status.DONE, then=Value(3)),
        When(Q(due_date__lt=today) | Q(missed_periods__gt=0), then=Value(0)),
        When(due_date__gte=today, due_date__lte=soon, then=Value(1)),
        When(due_date__gt=F("start_date"), _lag__gt=0, then=Value(1)),  # behind 序时进度
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        visible_assignments(actor)
        .with_missed_periods(on=today)
        .with_schedule_lag(on=today)
        .annotate(urgency=urgency)
        .order_by("urgency", F("due_date").asc(nulls_last=True), "pk")
    )


def liaison_page(view):
    """Liaisons only: office, leaders and IT are taken to their workbench, anyone else 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        actor = get_actor(request.user)
        if actor.sees_jurisdiction:
            messages.info(request, "“我的任务”是各单位联络员的页面，已为您打开工作台。")
            return redirect("workbench")
        if not actor.is_liaison:
            raise PermissionDenied("只有联络员可以查看“我的任务”。")
        return view(request, *args, **kwargs)

    return wrapper


class MyTaskRows(Sequence):
    """The rows of 我的任务 for django-tables2: their order and ``urgency`` known beforehand, the
    records read (with measure, task, notice and report periods) only for the page shown.

    Ordering the page by ``urgency`` in SQL compiled that expression (the missed periods of
    ``tasks.rules``) once more for the rows and once for the tiles: most of the page's time.
    One query ranks all the unit's assignments instead (``my_ranking``), and serves both."""

    model = Assignment

    def __init__(self, ranked: list[tuple[int, int]], actor: Actor, *, key: tuple) -> None:
        self.ranked = ranked  # (pk, urgency), most urgent first
        self.actor = actor
        self.key = key  # visible_key(actor)

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, key: int | slice) -> MyTaskRow | list[MyTaskRow]:
        if isinstance(key, slice):
            return self.records(self.ranked[key])
        return self.records([self.ranked[key]])[0]

    def __iter__(self) -> Iterator[MyTaskRow]:
        return iter(self.records(self.ranked))

    def records(self, ranked: list[tuple[int, int]]) -> list[MyTaskRow]:
        visible = visible_assignments(self.actor)
        return my_task_rows.fetch(visible, ranked, key=self.key)


class MyTaskData(TableListData):
    """``MyTaskRows`` as django-tables2's data: in the ranking's order, always."""

    def order_by(self, aliases) -> None:
        # No column of MyTasksTable is orderable, so a ``?sort=`` leaves ``aliases`` empty
        # (as with a QuerySet, nothing to do); a list would be sorted in place.
        if aliases:
            raise ValueError("我的任务 keeps its own order")


@method_decorator([require_GET, login_required, liaison_page], name="dispatch")
class MyTasksView(SingleTableMixin, FilterView):
    table_class = MyTasksTable
    filterset_class = MyTasksFilter
    template_name = "tasks/my_tasks.html"
    table_pagination = {"per_page": 20}

    def get_queryset(self) -> QuerySet[Assignment]:
        """What the filter narrows: only says which assignments to show (``get_table_data``
        ranks them). Only the 红黄绿灯 filter reads ``urgency``: building that expression
        costs more than the rest of the page's queries, so it is only built for it."""
        self.today = clock.today()
        self.actor = get_actor(self.request.user)
        if self.request.GET.get("light"):
            return my_assignments(self.actor, self.today)
        return visible_assignments(self.actor)

    def get_table_data(self) -> MyTaskData:
        # All the unit's assignments ranked (and counted for the tiles) in one query; the
        # filter (``self.object_list``, none() when invalid) only says which of them to show.
        key = visible_key(self.actor)
        ranked = my_ranking(self.actor, self.today, key=key)
        self.counts = my_counts(ranked)
        if self.narrowed():
            shown = set(self.object_list.order_by().values_list("pk", flat=True))
            rows = [(pk, urgency) for pk, urgency, _ in ranked if pk in shown]
        else:
            rows = [(pk, urgency) for pk, urgency, _ in ranked]
        return MyTaskData(MyTaskRows(rows, self.actor, key=key))

    def narrowed(self) -> bool:
        """Whether the filter leaves out anything (an invalid one leaves out everything); each
        filter of a FilterSet passes an empty value by."""
        filterset = self.filterset
        if not filterset.is_bound:
            return False
        if not filterset.is_valid():
            return True
        return any(value not in EMPTY_VALUES for value in filterset.form.cleaned_data.values())

    def get_table_kwargs(self) -> dict:
        return {"today": self.today}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["counts"] = self.counts
        context["today"] = self.today
        return context


def visible_key(actor: Actor) -> tuple:
    """What the assignments a liaison may see depend on, for ``safetyplan.sqlmemo``: their SQL
    and parameters (one unit's, whatever else changes)."""
    sql, params = visible_assignments(actor).query.sql_with_params()
    return (sql, tuple(params))


def my_ranking(
    actor: Actor, today: dt.date, *, key: tuple | None = None
) -> list[tuple[int, int, str]]:
    """(pk, urgency, status) of ``my_assignments(actor, today)``, most urgent first.

    Building and compiling ``urgency`` (the missed periods of tasks.rules) took 10–15 ms, more
    than all the rest of the page's queries; its SQL only depends on the rows the actor may
    see and on the day, so it is compiled once per unit and day (``safetyplan.sqlmemo``; the
    query itself runs on every request)."""
    rows = sqlmemo.value_rows(
        ("my_ranking", key or visible_key(actor), today),
        lambda: my_assignments(actor, today).values_list("pk", "urgency", "status"),
    )
    return [(pk, urgency, status) for pk, urgency, status in rows]


def my_counts(ranked: list[tuple[int, int, str]]) -> dict[str, int]:
    """The tiles of 我的任务 over ``my_ranking`` (unfiltered): total, red (urgency 0), yellow
    (urgency 1), requested, done."""
    counts = dict.fromkeys(("total", "red", "yellow", "requested", "done"), 0)
    for _pk, urgency, status in ranked:
        counts["total"] += 1
        if urgency == 0:
            counts["red"] += 1
        elif urgency == 1:
            counts["yellow"] += 1
        if status == Assignment.Status.REQUESTED:
            counts["requested"] += 1
        elif status == Assignment.Status.DONE:
            counts["done"] += 1
    return counts


my_tasks = MyTasksView.as_view()

# ---- 任务详情 ----------------------------------------------------------------------------------

# What the history shows, in this order; version and period numbers are bookkeeping.
HISTORY_FIELDS = (
    "status",
    "latest_percent",
    "latest_report_at",
    "due_date",
    "original_due_date",
    "role",
    "start_date",
    "completed_at",
)


def _display(field: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    if field == "status":
        return Assignment.Status(value).label
    if field == "role":
        return Assignment.Role(value).label
    if field == "latest_percent":
        return f"{value}%"
    if isinstance(value, dt.datetime):
        return format_date(timezone.localtime(value), "Y年n月j日 H:i")
    if isinstance(value, dt.date):
        return format_date(value, "Y年n月j日")
    return str(value)


def history_rows(assignment: Assignment) -> list[dict]:
    """Every recorded change, newest first: who, when, and each field's old and new value."""
    records = list(
        assignment.history.select_related("history_user").order_by("history_date", "history_id")
    )
    labels = {f: Assignment._meta.get_field(f).verbose_name for f in HISTORY_FIELDS}
    rows, previous = [], None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, included_fields=HISTORY_FIELDS)
            changes = [
                (labels[c.field], _display(c.field, c.old), _display(c.field, c.new))
                for c in sorted(delta.changes, key=lambda c: HISTORY_FIELDS.index(c.field))
            ]
        rows.append({"record": record, "changes": changes})
        previous = record
    return rows[::-1]


@require_GET
@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request.user)
    assignment = get_assignment(actor, pk)
    today = clock.today()
    reports = ProgressReport.objects.select_related("author").prefetch_related("evidence")
    prefetch_related_objects(
        [assignment],
        Prefetch("reports", queryset=reports),
        Prefetch("reviews", queryset=assignment.reviews.select_related("reviewer", "report")),
        Prefetch(
            "extensions",
            queryset=assignment.extensions.select_related("requested_by", "decided_by"),
        ),
    )
    missed = assignment.missed_periods_list(today)
    context = {
        "assignment": assignment,
        "today": today,
        "light": assignment.light(today, len(missed)),
        "due": due_info(assignment, today),
        "period_info": assignment_periods(assignment, today),
        "history": history_rows(assignment),
        "may_report": actor.is_liaison and assignment.status not in CLOSED,
        "may_extend": actor.is_liaison and assignment.status != Assignment.Status.DONE,
    }
    return render(request, "tasks/assignment_detail.html", context)


# ---- 报送进展、申请延期 ------------------------------------------------------------------------


def _liaison_assignment(request: HttpRequest, pk: int) -> Assignment:
    """The assignment for a write by its own unit's liaison: others who may see it get 403
    (office and leaders do not report for a unit), those who may not see it 404."""
    actor = get_actor(request.user)
    assignment = get_assignment(actor, pk, for_update=True)
    if not actor.is_liaison:
        raise PermissionDenied("只有本单位联络员可以报送进展或申请延期。")
    return assignment


KEPT = "您填写的内容已保留在下方，无需刷新：可在“任务详情”中查看最新情况，核对后再次提交；佐证材料须重新选择。"


def _send_report(request: HttpRequest, assignment: Assignment, form: ReportForm) -> bool:
    """Hand a valid form to the service. On refusal the form carries the reason and keeps
    what the user typed; after a conflict its hidden version is the current one."""
    data = form.cleaned_data
    try:
        services.report_progress(
            assignment=assignment,
            author=request.user,
            text=data["text"],
            percent=data["percent"],
            period_start=form.period_start(),
            files=data["files"],
            completion=data["completion"],
            expected_version=data["version"],
        )
    except services.ConflictError as err:
        assignment.refresh_from_db()
        form.data = form.data.copy()
        form.data["version"] = str(assignment.version)
        form.add_error(None, err)
        form.add_error(None, KEPT)
        return False
    except ValidationError as err:
        form.add_error(None, err)
        return False
    return True


def _current_period(assignment: Assignment, today: dt.date) -> int | None:
    recurrence = assignment.measure.recurrence
    return periods.period_index(today, recurrence) if recurrence else None


@require_http_methods(["GET", "POST"])
@login_required
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _liaison_assignment(request, pk)
    today = clock.today()
    posted = request.method == "POST"
    if not posted and assignment.status in CLOSED:
        messages.info(request, f"该任务{assignment.get_status_display()}，不能再报送进展。")
        return redirect("assignment_detail", pk=pk)
    form = ReportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        assignment=assignment,
        today=today,
        initial={"version": assignment.version, "period": _current_period(assignment, today)},
    )
    if posted and form.is_valid() and _send_report(request, assignment, form):
        completion = form.cleaned_data["completion"]
        messages.success(
            request, "办结申请已提交，等待安委办审核。" if completion else "进展已报送。"
        )
        return redirect("assignment_detail", pk=pk)
    return render(request, "tasks/report_form.html", {"assignment": assignment, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def extension_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _liaison_assignment(request, pk)
    posted = request.method == "POST"
    if not posted and assignment.status == Assignment.Status.DONE:
        messages.info(request, "该任务已办结，无需延期。")
        return redirect("assignment_detail", pk=pk)
    form = ExtensionForm(
        request.POST if posted else None, assignment=assignment, today=clock.today()
    )
    if posted and form.is_valid():
        try:
            services.request_extension(
                assignment=assignment,
                by=request.user,
                requested_date=form.cleaned_data["requested_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as err:
            form.add_error(None, err)
        else:
            messages.success(request, "延期申请已提交，等待安委办审批。")
            return redirect("assignment_detail", pk=pk)
    pending = assignment.extensions.filter(status=ExtensionRequest.Status.PENDING).first()
    context = {"assignment": assignment, "form": form, "pending": pending}
    return render(request, "tasks/extension_form.html", context)


# ---- 佐证材料下载 ------------------------------------------------------------------------------


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file with its original name, to those who may see the assignment (others 404)."""
    actor = get_actor(request.user)
    evidence = get_object_or_404(
        Evidence.objects.filter(report__assignment__in=visible_assignments(actor)), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as err:
        raise Http404("文件已不存在，请联系安委办。") from err
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)
