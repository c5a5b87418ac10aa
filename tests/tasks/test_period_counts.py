"""Reported-period counters on Assignment keep missed periods SQL arithmetic at any scale.

``with_missed_periods`` reads ``reported_periods`` and ``last_period_index`` instead of counting
every assignment's reports; these tests pin that the counters follow every way reports, the
recurrence or the start date change, and that the SQL still equals the Python rule.
"""

import datetime as dt
import random

import pytest

from tasks import periods
from tasks.models import Assignment, ProgressReport
from tasks.period_counts import refresh_period_counts
from tests import factories as f

D = dt.date
S = Assignment.Status


def _report(a, author, day, recurrence=""):
    return f.period_report(a, author, day, recurrence=recurrence)


def _counts(a):
    a.refresh_from_db(fields=["reported_periods", "last_period_index"])
    return a.reported_periods, a.last_period_index


def test_reports_count_distinct_periods_and_the_latest(county, unit_a, office):
    a = f.assignment(f.measure(j=county, recurrence="monthly"), unit_a, start=D(2024, 1, 10))
    assert _counts(a) == (0, None)
    _report(a, office, D(2024, 1, 5))
    _report(a, office, D(2024, 1, 25))
    _report(a, office, D(2024, 3, 2))
    assert _counts(a) == (2, periods.month_index(D(2024, 3, 1)))


def test_report_before_the_first_period_is_not_counted(county, unit_a, office):
    a = f.assignment(f.measure(j=county, recurrence="monthly"), unit_a, start=D(2024, 3, 1))
    _report(a, office, D(2024, 1, 5))
    assert _counts(a)[0] == 0


def test_one_off_reports_leave_the_counters_alone(county, unit_a, office):
    a = f.assignment(f.measure(j=county), unit_a, start=D(2024, 1, 1))
    ProgressReport.objects.create(assignment=a, author=office, text="已开会", percent=10)
    assert _counts(a) == (0, None)


def test_deleting_a_report_recounts(county, unit_a, office):
    a = f.assignment(f.measure(j=county, recurrence="monthly"), unit_a, start=D(2024, 1, 1))
    _report(a, office, D(2024, 1, 5))
    march = _report(a, office, D(2024, 3, 5))
    march.delete()
    assert _counts(a) == (1, periods.month_index(D(2024, 1, 1)))


def test_changing_the_recurrence_recounts(county, unit_a, office):
    m = f.measure(j=county, recurrence="monthly")
    a = f.assignment(m, unit_a, start=D(2024, 1, 1))
    for month in (1, 2, 3):
        _report(a, office, D(2024, month, 5), recurrence="quarterly")
    m.recurrence = "quarterly"
    m.save()
    assert _counts(a) == (1, periods.period_index(D(2024, 1, 1), "quarterly"))


def test_moving_the_start_date_recounts(county, unit_a, office):
    a = f.assignment(f.measure(j=county, recurrence="monthly"), unit_a, start=D(2024, 1, 1))
    _report(a, office, D(2024, 1, 5))
    _report(a, office, D(2024, 4, 5))
    a.start_date = D(2024, 3, 1)
    a.save(update_fields=["start_date"])
    assert _counts(a)[0] == 1


def test_refresh_repairs_counters_written_around_the_model(county, unit_a, office):
    a = f.assignment(f.measure(j=county, recurrence="monthly"), unit_a, start=D(2024, 1, 1))
    ProgressReport.objects.bulk_create(  # bulk_create sends no signals, as in a data load
        ProgressReport(
            assignment=a, author=office, text="补录", percent=5, period_index=i, period_start=None
        )
        for i in (periods.month_index(D(2024, 1, 1)), periods.month_index(D(2024, 2, 1)))
    )
    assert _counts(a) == (0, None)
    refresh_period_counts([a.pk])
    assert _counts(a) == (2, periods.month_index(D(2024, 2, 1)))


@pytest.mark.parametrize("recurrence", ["weekly", "monthly", "quarterly", "semiannual", "yearly"])
def test_sql_rule_equals_python_rule_on_random_histories(county, office, recurrence):
    """Random starts, reports (some after ``on``, as when judging a past day) and days."""
    rng = random.Random(f"missed-{recurrence}")
    m = f.measure(j=county, recurrence=recurrence)
    cases = []
    for i in range(12):
        start = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(500))
        a = f.assignment(m, f.unit(county, f"随机单位{i}"), start=start)
        for _ in range(rng.randrange(6)):
            _report(a, office, start + dt.timedelta(days=rng.randrange(-40, 500)))
        cases.append(a)
    for _ in range(8):
        on = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(900))
        annotated = dict(
            Assignment.objects.with_missed_periods(on=on)
            .filter(pk__in=[a.pk for a in cases])
            .values_list("pk", "missed_periods")
        )
        for a in cases:
            fresh = Assignment.objects.get(pk=a.pk)
            assert annotated[a.pk] == len(fresh.missed_periods_list(on)), (a.start_date, on)


def test_migration_counts_the_reports_already_there(county, unit_a, office):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tasks.migrations.0002_assignment_period_counts")
    weekly = f.assignment(f.measure(j=county, recurrence="weekly"), unit_a, start=D(2024, 1, 3))
    _report(weekly, office, D(2024, 1, 3))
    _report(weekly, office, D(2024, 1, 17))
    _report(weekly, office, D(2023, 12, 1))  # before its first week: not counted
    Assignment.objects.update(reported_periods=0, last_period_index=None)
    migration.count_reported_periods(apps, None)
    assert _counts(weekly) == (2, periods.week_index(D(2024, 1, 17)))
