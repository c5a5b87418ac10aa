"""The rows of a page of 我的任务 as light objects instead of model instances.

Twenty assignments with their measure, task and notice, and their reports' periods, through
select_related and a Prefetch: building the querysets and the model instances was a third of
the page, ten times its two queries. Two ``values_list`` queries give the same fields; the
rules the cells apply stay the model's own methods (``Assignment.missed_periods_list``), and
``Task.__str__``, borrowed by these rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

from safetyplan import sqlmemo
from tasks.light import Listed, light_measure
from tasks.models import Assignment, ProgressReport


class _Report:
    __slots__ = ("period_index",)

    def __init__(self, period_index: int) -> None:
        self.period_index = period_index


class MyTaskRow:
    """An assignment as 我的任务's cells read it (tasks/tables/liaison.py)."""

    __slots__ = (
        "due_date",
        "latest_percent",
        "latest_report_at",
        "measure",
        "original_due_date",
        "pk",
        "reports",
        "role",
        "start_date",
        "status",
        "urgency",
    )  # fmt: skip

    Status = Assignment.Status
    missed_periods_list = Assignment.missed_periods_list


FIELDS = (
    "pk", "role", "status", "due_date", "original_due_date", "start_date", "latest_percent",
    "latest_report_at", "measure__text", "measure__withdrawn", "measure__recurrence",
    "measure__task__number", "measure__task__title", "measure__task__notice__title",
)  # fmt: skip


def _reports(ids: list[int]):
    # Read by the 报送周期 cell alone, which looks at the reported periods: a report for no
    # period (a one-off measure's) never counts there, and most reports are such.
    reported = ProgressReport.objects.filter(assignment_id__in=ids, period_index__isnull=False)
    return reported.values_list("assignment_id", "period_index")


def fetch(assignments, ranked: list[tuple[int, int]], *, key: Hashable) -> list[MyTaskRow]:
    """The rows of ``ranked`` (pk, urgency) among ``assignments``, in that order; an assignment
    gone since it was ranked is left out. Both queries are compiled once per ``key`` (which
    must name everything ``assignments`` depends on) and page size (``safetyplan.sqlmemo``)."""
    pks = [pk for pk, _ in ranked]
    values = sqlmemo.value_rows_of(
        ("my_task_rows", key), lambda ids: assignments.filter(pk__in=ids).values_list(*FIELDS), pks
    )
    found = {}
    for value in values:
        row = MyTaskRow()
        (row.pk, row.role, row.status, row.due_date, row.original_due_date, row.start_date,
         row.latest_percent, row.latest_report_at, text, withdrawn, recurrence, number, title,
         notice_title) = value  # fmt: skip
        row.measure = light_measure(
            text, number, title, notice_title, withdrawn=withdrawn, recurrence=recurrence
        )
        row.reports = Listed()
        found[row.pk] = row
    periods = defaultdict(list)
    for assignment_id, period_index in sqlmemo.value_rows_of(("my_task_periods",), _reports, pks):
        periods[assignment_id].append(_Report(period_index))
    rows = []
    for pk, urgency in ranked:
        row = found.get(pk)
        if row is not None:
            row.urgency = urgency
            row.reports.extend(periods.get(pk, ()))
            rows.append(row)
    return rows
