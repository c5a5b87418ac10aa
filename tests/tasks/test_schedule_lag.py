"""序时进度: yellow when the latest reported percent is behind the share of time elapsed."""

import datetime as dt

import pytest

from tasks.models import Assignment
from tests import factories as f

D = dt.date
S = Assignment.Status
YEAR_START, YEAR_END, MID_YEAR = D(2024, 1, 1), D(2024, 12, 31), D(2024, 7, 1)


def _with_percent(a: Assignment, percent: int) -> Assignment:
    a.latest_percent = percent
    a.save()
    return a


@pytest.fixture
def yearly(county, unit_a):
    """Assigned 1 January, due 31 December: on 1 July, 182 of 365 days (49.9%) have gone."""
    return f.assignment(f.measure(j=county), unit_a, start=YEAR_START, due=YEAR_END)


def _behind_ids(on: dt.date) -> set[int]:
    return set(Assignment.objects.behind_schedule(on=on).values_list("pk", flat=True))


def test_thirty_percent_on_first_of_july_is_behind(yearly):
    _with_percent(yearly, 30)
    assert yearly.schedule_lag(MID_YEAR) == 20  # 49.9 − 30, rounded up
    assert yearly.light(MID_YEAR) == "yellow"
    assert _behind_ids(MID_YEAR) == {yearly.pk}


def test_sixty_percent_on_first_of_july_is_on_schedule(yearly):
    _with_percent(yearly, 60)
    assert yearly.schedule_lag(MID_YEAR) == 0
    assert yearly.light(MID_YEAR) == "green"
    assert _behind_ids(MID_YEAR) == set()


def test_fifty_percent_is_just_ahead_of_half_a_year(yearly):
    # 182/365 = 49.86%: 50% is (just) on schedule, 49% is behind.
    _with_percent(yearly, 50)
    assert yearly.schedule_lag(MID_YEAR) == 0 and _behind_ids(MID_YEAR) == set()
    _with_percent(yearly, 49)
    assert yearly.schedule_lag(MID_YEAR) == 1 and _behind_ids(MID_YEAR) == {yearly.pk}


def test_nothing_is_behind_on_the_day_it_is_assigned(yearly):
    assert yearly.schedule_lag(YEAR_START) == 0
    assert _behind_ids(YEAR_START) == set()


def test_not_started_yet_is_not_behind(county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, start=D(2024, 8, 1), due=YEAR_END)
    assert a.schedule_lag(MID_YEAR) == 0
    assert _behind_ids(MID_YEAR) == set()


def test_done_is_never_behind(county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, start=YEAR_START, due=YEAR_END, status=S.DONE)
    assert a.schedule_lag(MID_YEAR) == 0 and a.light(MID_YEAR) == "green"
    assert _behind_ids(MID_YEAR) == set()


def test_without_a_due_date_there_is_no_schedule(county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, start=YEAR_START)
    assert a.schedule_lag(MID_YEAR) == 0 and a.light(MID_YEAR) == "green"
    assert _behind_ids(MID_YEAR) == set()


def test_overdue_is_red_not_behind(county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, start=YEAR_START, due=D(2024, 6, 30))
    assert a.light(MID_YEAR) == "red"
    assert a.schedule_lag(MID_YEAR) == 0
    assert _behind_ids(MID_YEAR) == set()


def test_missed_period_is_red_not_behind(county, unit_a):
    m = f.measure(j=county, recurrence="monthly")
    a = f.assignment(m, unit_a, start=YEAR_START, due=YEAR_END)
    assert a.light(MID_YEAR) == "red"
    assert _behind_ids(MID_YEAR) == set()


def test_requested_but_behind_still_counts(yearly):
    # 申请办结 is not 已办结: until the office accepts it, the schedule still applies.
    yearly.status = S.REQUESTED
    _with_percent(yearly, 10)
    assert yearly.light(MID_YEAR) == "yellow"
    assert _behind_ids(MID_YEAR) == {yearly.pk}


def test_due_today_and_not_finished_is_behind(county, unit_a):
    a = _with_percent(f.assignment(f.measure(j=county), unit_a, start=YEAR_START, due=MID_YEAR), 90)
    assert a.schedule_lag(MID_YEAR) == 10
    assert _behind_ids(MID_YEAR) == {a.pk}


@pytest.mark.parametrize(
    ("percent", "on"),
    [(p, d) for p in (0, 10, 25, 49, 50, 75, 99, 100) for d in (D(2024, 3, 1), D(2024, 10, 15))],
)
def test_python_and_sql_agree(yearly, percent, on):
    _with_percent(yearly, percent)
    assert (yearly.schedule_lag(on) > 0) == (yearly.pk in _behind_ids(on))
