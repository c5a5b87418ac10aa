"""Keep ``Assignment.reported_periods`` and ``last_period_index`` true to the reports.

Missed periods are counted for every recurring assignment on the workbench, the ranking and the
ledger; counting each assignment's reports in a subquery took seconds at province scale. The two
counters make it arithmetic (see ``AssignmentQuerySet.with_missed_periods``). They follow every
way a report, a measure's recurrence or an assignment's start can change: signals here, and
``refresh_period_counts`` for rows written around the model (data loads, the migration).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tasks import periods
from tasks.models import Assignment, Measure, ProgressReport


def counts_for(start_date, recurrence: str, indexes: Iterable[int]) -> tuple[int, int | None]:
    """(distinct periods reported from the assignment's first period on, latest period)."""
    if not recurrence:
        return 0, None
    seen = set(indexes)
    first = periods.period_index(start_date, recurrence)
    return sum(1 for i in seen if i >= first), max(seen, default=None)


def refresh_period_counts(assignment_ids: Iterable[int]) -> None:
    """Recount the reported periods of these assignments from their reports."""
    ids = list(assignment_ids)
    if not ids:
        return
    reported: dict[int, list[int]] = defaultdict(list)
    rows = ProgressReport.objects.filter(assignment_id__in=ids, period_index__isnull=False)
    for assignment_id, index in rows.values_list("assignment_id", "period_index"):
        reported[assignment_id].append(index)
    changed = []
    assignments = Assignment.objects.filter(pk__in=ids).select_related("measure")
    for a in assignments.only(
        "pk", "start_date", "reported_periods", "last_period_index", "measure__recurrence"
    ):
        counts = counts_for(a.start_date, a.measure.recurrence, reported[a.pk])
        if counts != (a.reported_periods, a.last_period_index):
            a.reported_periods, a.last_period_index = counts
            changed.append(a)
    # bulk_update: the counters are derived, so no history record and no version bump.
    Assignment.objects.bulk_update(changed, ["reported_periods", "last_period_index"])


@receiver(post_save, sender=ProgressReport, dispatch_uid="period_counts_report_saved")
def _report_saved(sender, instance: ProgressReport, raw: bool = False, **kwargs) -> None:
    if not raw and instance.period_index is not None:
        refresh_period_counts([instance.assignment_id])


@receiver(post_delete, sender=ProgressReport, dispatch_uid="period_counts_report_deleted")
def _report_deleted(sender, instance: ProgressReport, origin=None, **kwargs) -> None:
    # When an assignment, measure or notice is deleted its reports go with it: nothing to count.
    direct = isinstance(origin, ProgressReport) or getattr(origin, "model", None) is ProgressReport
    if direct and instance.period_index is not None:
        refresh_period_counts([instance.assignment_id])


@receiver(post_save, sender=Assignment, dispatch_uid="period_counts_assignment_saved")
def _assignment_saved(sender, instance: Assignment, created: bool, raw: bool = False, **kwargs):
    fields = kwargs.get("update_fields")
    if created or raw or (fields is not None and "start_date" not in fields):
        return
    refresh_period_counts([instance.pk])


@receiver(post_save, sender=Measure, dispatch_uid="period_counts_measure_saved")
def _measure_saved(sender, instance: Measure, created: bool, raw: bool = False, **kwargs):
    fields = kwargs.get("update_fields")
    if created or raw or (fields is not None and "recurrence" not in fields):
        return
    refresh_period_counts(instance.assignments.values_list("pk", flat=True))
