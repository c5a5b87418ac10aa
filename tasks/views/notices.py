"""Notices: the list with their counts, and one notice with its chapters, tasks and measures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from tasks import clock, notice_html
from tasks.access import visible_notices
from tasks.filters import NoticeFilter
from tasks.models import Assignment, Measure
from tasks.notice_html import ROLE_ORDER  # also the order of the 措施台账's chips
from tasks.tables import NoticeTable
from units.access import get_actor, role_required

SEES_JURISDICTION = ("admin", "office", "leader")


def unit_assignments(today):
    """Assignments for a measure's chips: lead first, with unit and missed periods."""
    return (
        Assignment.objects.with_missed_periods(on=today)
        .select_related("unit")
        .order_by(ROLE_ORDER, "unit__order", "unit_id")
    )


class NoticeListView(SingleTableMixin, FilterView):
    table_class = NoticeTable
    filterset_class = NoticeFilter
    template_name = "tasks/notice_list.html"
    table_pagination = {"per_page": 30}

    def get_queryset(self):
        # Every figure is a subquery per notice, with no join and no GROUP BY in the outer
        # query: grouped, PostgreSQL ran the overdue subquery once per joined assignment row
        # (2 s for one county's 6 notices among 470,000 assignments).
        today = clock.today()
        measures = Measure.objects.filter(task__notice=OuterRef("pk"), withdrawn=False)
        assignments = Assignment.objects.filter(
            measure__task__notice=OuterRef("pk"), measure__withdrawn=False
        )
        return (
            visible_notices(get_actor(self.request.user))
            .select_related("jurisdiction")
            .defer("parse")  # a whole parsed document per notice, which the list never shows
            .annotate(
                measure_count=_per_notice(measures, "task__notice"),
                assignment_count=_per_notice(assignments, "measure__task__notice"),
                overdue_count=_per_notice(assignments.late(on=today), "measure__task__notice"),
            )
            .order_by("-year", "-imported_at", "-pk")
        )


def _per_notice(queryset, notice_key: str) -> Coalesce:
    """How many rows of ``queryset`` (correlated on the notice) there are, 0 for none."""
    counted = queryset.order_by().values(notice_key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


notice_list = login_required(role_required(*SEES_JURISDICTION)(NoticeListView.as_view()))


@login_required
@role_required(*SEES_JURISDICTION)
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request.user)
    notice = get_object_or_404(visible_notices(actor).select_related("jurisdiction"), pk=pk)
    today = clock.today()
    tasks = list(notice.tasks.order_by("order", "id"))
    # Plain rows and HTML built in Python (tasks/notice_html.py): model instances and a
    # template include per measure and chip were most of the page's time.
    by_task: dict[int, list[notice_html.MeasureRow]] = {task.pk: [] for task in tasks}
    summary = {"measures": 0, "unassigned": 0, "red": 0, "done": 0, "withdrawn": 0}
    for m in notice_html.notice_measures(notice, today):
        notice_html.decorate(m, today, summary)
        by_task[m.task_id].append(m)
    cache = notice_html.ChipCache()
    for task in tasks:
        task.measures_html = notice_html.measures_html(by_task[task.pk], cache)
    context = {"notice": notice, "tasks": tasks, "summary": summary, "today": today}
    return render(request, "tasks/notice_detail.html", context)
