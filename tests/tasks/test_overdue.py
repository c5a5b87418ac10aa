import datetime as dt

import pytest

from tasks.models import Assignment
from tests import factories as f

D = dt.date
S = Assignment.Status


@pytest.fixture
def author(office):
    return office


def _report(a, author, day):
    return f.period_report(a, author, day, text="已开会")


def test_overdue_once_the_due_date_has_passed(county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 30))
    qs = Assignment.objects.all()
    assert not qs.overdue(on=D(2024, 6, 30)).exists()
    assert list(qs.overdue(on=D(2024, 7, 1))) == [a]
    assert a.is_overdue(D(2024, 7, 1)) and not a.is_overdue(D(2024, 6, 30))


def test_done_is_never_overdue(county, unit_a):
    f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 30), status=S.DONE)
    assert not Assignment.objects.overdue(on=D(2024, 12, 1)).exists()


def test_due_soon_is_the_next_seven_days_today_included(county, unit_a):
    m = f.measure(j=county)
    units = [f.unit(county, f"县单位{i}") for i in range(4)]
    today, last, past_window, yesterday = (
        f.assignment(m, units[0], due=D(2024, 6, 1)),
        f.assignment(m, units[1], due=D(2024, 6, 7)),
        f.assignment(m, units[2], due=D(2024, 6, 8)),
        f.assignment(m, units[3], due=D(2024, 5, 31)),
    )
    soon = set(Assignment.objects.due_soon(on=D(2024, 6, 1)))
    assert soon == {today, last}
    assert past_window not in soon and yesterday not in soon
    assert last.is_due_soon(D(2024, 6, 1)) and not past_window.is_due_soon(D(2024, 6, 1))


def test_monthly_periods_missed_from_the_month_of_assignment(county, unit_a, author):
    m = f.measure(j=county, recurrence="monthly")
    a = f.assignment(m, unit_a, start=D(2024, 3, 15))
    _report(a, author, D(2024, 4, 3))  # April reported; March and May not
    on = D(2024, 6, 10)  # March, April, May have ended; June has not
    annotated = Assignment.objects.with_missed_periods(on=on).get(pk=a.pk)
    assert annotated.missed_periods == 2
    assert [p.label for p in a.missed_periods_list(on)] == ["2024年3月", "2024年5月"]
    assert list(Assignment.objects.recurring_overdue(on=on)) == [a]


def test_current_period_is_not_missed_yet(county, unit_a):
    m = f.measure(j=county, recurrence="monthly")
    a = f.assignment(m, unit_a, start=D(2024, 3, 15))
    assert (
        Assignment.objects.with_missed_periods(on=D(2024, 3, 31)).get(pk=a.pk).missed_periods == 0
    )
    assert not Assignment.objects.recurring_overdue(on=D(2024, 3, 31)).exists()


def test_quarterly_periods(county, unit_a, author):
    m = f.measure(j=county, recurrence="quarterly")
    a = f.assignment(m, unit_a, start=D(2024, 2, 1))
    _report(a, author, D(2024, 3, 20))  # Q1 reported
    on = D(2024, 10, 1)  # Q1, Q2, Q3 ended
    assert Assignment.objects.with_missed_periods(on=on).get(pk=a.pk).missed_periods == 2
    assert [p.label for p in a.missed_periods_list(on)] == ["2024年第2季度", "2024年第3季度"]


def test_weekly_and_semiannual_periods(county, unit_a):
    weekly = f.assignment(f.measure(j=county, recurrence="weekly"), unit_a, start=D(2024, 7, 3))
    half = f.assignment(
        f.measure(j=county, recurrence="semiannual"), f.unit(county), start=D(2024, 2, 1)
    )
    on = D(2024, 7, 22)  # Monday: weeks of 7/1, 7/8, 7/15 ended; first half ended
    qs = Assignment.objects.with_missed_periods(on=on)
    assert qs.get(pk=weekly.pk).missed_periods == 3 == len(weekly.missed_periods_list(on))
    assert qs.get(pk=half.pk).missed_periods == 1 == len(half.missed_periods_list(on))


def test_reports_in_the_same_period_count_once(county, unit_a, author):
    a = f.assignment(f.measure(j=county, recurrence="monthly"), unit_a, start=D(2024, 1, 5))
    _report(a, author, D(2024, 1, 10))
    _report(a, author, D(2024, 1, 20))
    on = D(2024, 3, 1)  # January reported twice, February missed
    assert Assignment.objects.with_missed_periods(on=on).get(pk=a.pk).missed_periods == 1


def test_non_recurring_and_done_miss_no_periods(county, unit_a):
    once = f.assignment(f.measure(j=county), unit_a, start=D(2024, 1, 5))
    done = f.assignment(
        f.measure(j=county, recurrence="monthly"),
        f.unit(county),
        start=D(2024, 1, 5),
        status=S.DONE,
    )
    qs = Assignment.objects.with_missed_periods(on=D(2024, 12, 1))
    assert qs.get(pk=once.pk).missed_periods == 0
    assert qs.get(pk=done.pk).missed_periods == 0


def test_lights(county, unit_a):
    m = f.measure(j=county)
    on = D(2024, 6, 1)
    assert f.assignment(m, unit_a, due=D(2024, 5, 31)).light(on) == "red"
    assert f.assignment(m, f.unit(county), due=D(2024, 6, 3)).light(on) == "yellow"
    assert f.assignment(m, f.unit(county), due=D(2024, 9, 1)).light(on) == "green"
    done = f.assignment(m, f.unit(county), due=D(2024, 5, 1), status=S.DONE)
    assert done.light(on) == "green"


def test_late_combines_overdue_and_missed_periods(county, unit_a):
    by_date = f.assignment(f.measure(j=county), unit_a, due=D(2024, 5, 1))
    by_period = f.assignment(
        f.measure(j=county, recurrence="monthly"), f.unit(county), start=D(2024, 1, 1)
    )
    f.assignment(f.measure(j=county), f.unit(county), due=D(2024, 9, 1))
    assert set(Assignment.objects.late(on=D(2024, 6, 1))) == {by_date, by_period}


def test_measure_status_derived_from_assignments(county, unit_a):
    m = f.measure(j=county)
    on = D(2024, 6, 1)
    assert m.status(on) == "未分配"
    a = f.assignment(m, unit_a, due=D(2024, 9, 1), status=S.DONE)
    b = f.assignment(m, f.unit(county), due=D(2024, 5, 1), status=S.IN_PROGRESS)
    assert m.status(on) == "逾期"
    b.status = S.DONE
    b.save()
    assert m.status(on) == "已办结"
    a.status = S.IN_PROGRESS
    a.save()
    assert m.status(on) == "推进中"
