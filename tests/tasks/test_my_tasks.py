"""我的任务: the liaison's own assignments, most urgent first, with lights and periods."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tasks import periods
from tasks.models import Assignment, ProgressReport
from tests import factories as f

D = dt.date
S = Assignment.Status
URL = reverse("my_tasks")
TODAY = D(2024, 6, 10)
# Session, user (with role, profile and unit), the navigation's unread reminders, the summary
# counts, the page count, the rows and the prefetched reports: the same however many rows.
MY_TASKS_QUERIES = 7


@pytest.fixture(autouse=True)
def _today(on_day):
    on_day(TODAY)


def _rows(response) -> list[Assignment]:
    return [row.record for row in response.context["table"].paginated_rows]


def test_liaison_sees_own_unit_only(login, liaison_a, county, unit_a, unit_b):
    m = f.measure(j=county, text="开展危化品专项整治。")
    mine = f.assignment(m, unit_a, due=D(2024, 9, 30))
    theirs = f.assignment(f.measure(j=county, text="乡镇消防检查。"), unit_b, due=D(2024, 9, 30))
    response = login(liaison_a).get(URL)
    assert response.status_code == 200
    assert _rows(response) == [mine]
    body = response.content.decode()
    assert "开展危化品专项整治" in body and "乡镇消防检查" not in body
    assert reverse("assignment_detail", args=[theirs.pk]) not in body


def test_overdue_first_then_due_soon_then_by_due_date(login, liaison_a, county, unit_a):
    def make(text, **kw):
        return f.assignment(f.measure(j=county, text=text), unit_a, start=D(2024, 6, 1), **kw)

    later = make("年底前完成", due=D(2024, 12, 31))
    done = make("已办结的", due=D(2024, 5, 1), status=S.DONE)
    soon = make("六天后到期", due=D(2024, 6, 16))
    no_date = make("未设时限")
    overdue = make("上月已到期", due=D(2024, 5, 31))
    sooner = make("今天到期", due=TODAY)
    middle = make("八月到期", due=D(2024, 8, 31))
    response = login(liaison_a).get(URL)
    assert _rows(response) == [overdue, sooner, soon, middle, later, no_date, done]
    body = response.content.decode()
    assert "逾期10天" in body and "今天到期" in body and "还有6天" in body


def test_a_missed_month_makes_the_row_red_and_is_named(login, liaison_a, office, county, unit_a):
    monthly = f.measure(j=county, text="每月至少召开一次会议。", recurrence="monthly")
    a = f.assignment(monthly, unit_a, due=D(2024, 12, 31), start=D(2024, 3, 15))
    ProgressReport.objects.create(
        assignment=a, author=liaison_a, text="四月会议", percent=30,
        period_index=periods.period_index(D(2024, 4, 1), "monthly"),
    )  # fmt: skip
    calm = f.assignment(f.measure(j=county, text="一次性"), unit_a, due=D(2024, 6, 12))
    response = login(liaison_a).get(URL)
    assert _rows(response) == [a, calm]  # red before yellow although due later
    body = response.content.decode()
    assert "漏报 2 期：2024年3月、2024年5月" in body
    assert '本期 2024年6月：<span class="warn">待报送' in body
    assert 'class="row-red' in body and 'class="row-yellow' in body


def test_light_is_the_models_light(login, liaison_a, county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1))
    response = login(liaison_a).get(URL)
    assert a.light(TODAY) == "red"
    assert '<span class="light red"' in response.content.decode()


def test_filter_by_light_and_status(login, liaison_a, county, unit_a):
    red = f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1))
    requested = f.assignment(f.measure(j=county), unit_a, due=D(2024, 9, 1), status=S.REQUESTED)
    client = login(liaison_a)
    assert _rows(client.get(URL, {"light": "red"})) == [red]
    assert _rows(client.get(URL, {"status": "requested"})) == [requested]


def test_bad_filter_value_shows_a_chinese_error_and_no_rows(login, liaison_a, county, unit_a):
    f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1))
    response = login(liaison_a).get(URL, {"status": "whatever"})
    assert response.status_code == 200
    assert _rows(response) == []
    assert "筛选条件有误" in response.content.decode()


def test_summary_counts(login, liaison_a, county, unit_a):
    f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1))
    f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 12))
    f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1), status=S.DONE)
    counts = login(liaison_a).get(URL).context["counts"]
    assert counts == {"total": 3, "red": 1, "yellow": 1, "requested": 0, "done": 1}


def test_rows_become_cards_on_a_phone(login, liaison_a, county, unit_a):
    f.assignment(f.measure(j=county), unit_a, due=D(2024, 9, 1))
    body = login(liaison_a).get(URL).content.decode()
    assert re.search(r'<table[^>]*class="[^"]*\bcards\b', body)
    for label in ("完成时限", "状态", "最新进度", "报送周期"):
        assert f'data-label="{label}"' in body


@pytest.mark.parametrize("user", ["office", "leader", "sibling_office", "it_admin"])
def test_office_and_leaders_are_taken_to_the_workbench(login, request, user):
    response = login(request.getfixturevalue(user)).get(URL)
    assert response.status_code == 302 and response.url == reverse("workbench")


def test_a_user_without_a_role_gets_403(login, county):
    nobody = f.user("nobody", role=None, j=county)
    assert login(nobody).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_takes_no_writes(login, leader, liaison_a):
    assert login(leader).post(URL).status_code == 405
    assert login(liaison_a).post(URL).status_code == 405


@pytest.mark.parametrize("rows", [10, 100])
def test_query_count_does_not_grow_with_rows(
    rows, login, liaison_a, county, unit_a, django_assert_num_queries
):
    notice = f.notice(county)
    for i in range(rows):
        m = f.measure(notice, text=f"措施{i}", recurrence="monthly" if i % 2 else "")
        a = f.assignment(m, unit_a, due=D(2024, 6, 1) + dt.timedelta(days=i), start=D(2024, 3, 1))
        ProgressReport.objects.create(
            assignment=a, author=liaison_a, text="开会", percent=10,
            period_index=periods.period_index(D(2024, 4, 1), "monthly") if i % 2 else None,
        )  # fmt: skip
    client = login(liaison_a)
    with django_assert_num_queries(MY_TASKS_QUERIES):
        response = client.get(URL)
    assert len(_rows(response)) == min(rows, 20)


def test_progress_behind_the_time_elapsed_is_yellow(login, liaison_a, county, unit_a):
    # Half the time from 1 Jan to 31 Dec gone by 10 Jun? 161 of 365 days: 44% expected.
    behind = f.assignment(f.measure(j=county, text="进度落后"), unit_a, start=D(2024, 1, 1),
                          due=D(2024, 12, 31))  # fmt: skip
    ahead = f.assignment(f.measure(j=county, text="进度正常"), f.unit(county), start=D(2024, 1, 1),
                         due=D(2024, 12, 31))  # fmt: skip
    Assignment.objects.filter(pk=behind.pk).update(latest_percent=30)
    Assignment.objects.filter(pk=ahead.pk).update(latest_percent=60, unit=unit_a)
    response = login(liaison_a).get(URL)
    urgency = {
        row.record.pk: row.record.urgency for row in response.context["table"].paginated_rows
    }
    assert urgency == {behind.pk: 1, ahead.pk: 2}
