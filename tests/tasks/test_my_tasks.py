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
# Session, user (with role, profile and unit), the navigation's unread reminders, all the
# unit's assignments ranked (the tiles and the order), the page's rows and their reported
# periods: the same however many rows. A filter adds one: the assignments it lets through.
MY_TASKS_QUERIES = 6


@pytest.fixture(autouse=True)
def _today(on_day):
    on_day(TODAY)


def _rows(response) -> list[Assignment]:
    return _rows_of(response.context["table"])


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
    with django_assert_num_queries(MY_TASKS_QUERIES + 1):
        response = client.get(URL, {"q": "措施", "status": "not_started", "page": 2})
    assert len(_rows(response)) == min(rows, 20)  # page 2, or the last page when none
    with django_assert_num_queries(MY_TASKS_QUERIES + 1):
        response = client.get(URL, {"light": "red"})


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


# ---- the cells are built in Python: same markup as the templates and code they replaced ------


def _old_table_class():
    """MyTasksTable as it was: the model's light, a template per due, percent and periods cell
    (tasks/partials/assignment_*.html, still those of the assignment page), ``format_html``."""
    from django.template.loader import render_to_string
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from tasks.tables import (
        MyTasksTable,
        assignment_measure_cell,
        assignment_periods,
        due_info,
        light_html,
    )

    def _template(name, context):  # the file's last newline aside
        return mark_safe(render_to_string(name, context).rstrip("\n"))

    class OldMyTasksTable(MyTasksTable):
        class Meta(MyTasksTable.Meta):
            pass

        def light_of(self, record):
            return record.light(self.today)

        def render_light(self, record):
            return light_html(self.light_of(record))

        def render_measure(self, record):
            return assignment_measure_cell(record)

        def render_role(self, record):
            return format_html(
                '<span class="chip role-{}">{}</span>', record.role, record.get_role_display()
            )

        def render_due_date(self, record):
            due = due_info(record, self.today)
            context = {"assignment": record, "due": due}
            return _template("tasks/partials/assignment_due.html", context)

        def render_status(self, record):
            return format_html(
                '<span class="status status-{}">{}</span>',
                record.status,
                record.get_status_display(),
            )

        def render_latest_percent(self, record):
            context = {"assignment": record}
            return _template("tasks/partials/assignment_percent.html", context)

        def render_periods(self, record):
            info = assignment_periods(record, self.today)
            return _template("tasks/partials/assignment_periods.html", {"info": info})

        def render_actions(self, record):
            if record.status in (S.DONE, S.REQUESTED):
                url = reverse("assignment_detail", args=[record.pk])
                return format_html('<a href="{}">查看</a>', url)
            return format_html(
                '<a class="button small" href="{}">报送进展</a>',
                reverse("report_create", args=[record.pk]),
            )

    return OldMyTasksTable


def _html(table) -> str:
    from django.template import Context
    from django.test import RequestFactory

    from safetyplan import table_html

    request = RequestFactory().get(URL)
    html = table_html.render_table(table, Context({"request": request}))
    return re.sub(r"\s+", " ", str(html))


def _every_kind_of_row(county, unit_a, liaison_a):
    """Assignments covering each branch of each cell."""
    from django.utils import timezone

    notice = f.notice(county, title="关于<加强>安全生产&消防工作的通知")

    def make(text="措施", recurrence="", **kw):
        return f.assignment(f.measure(notice, text=text, recurrence=recurrence), unit_a, **kw)

    overdue = make("已逾期", due=D(2024, 6, 1), start=D(2024, 1, 1), status=S.IN_PROGRESS)
    at = timezone.make_aware(dt.datetime(2024, 6, 3, 23, 30))  # 4 June in UTC+8? no: local
    Assignment.objects.filter(pk=overdue.pk).update(latest_percent=35, latest_report_at=at)
    extended = make("今天到期，已延期", due=TODAY, start=D(2024, 1, 1))
    Assignment.objects.filter(pk=extended.pk).update(original_due_date=D(2024, 5, 31))
    long = make("<b>危化品</b>&“专项”整治" * 10, due=D(2024, 6, 16), start=D(2024, 6, 1))
    long.measure.withdrawn = True
    long.measure.save()
    make("未设时限", start=D(2024, 6, 1))
    make("七天后到期", due=D(2024, 6, 17), start=D(2024, 6, 1), role=Assignment.Role.LEAD)
    make("已办结", "monthly", due=D(2024, 5, 1), start=D(2024, 1, 1), status=S.DONE)
    make("待审核", due=D(2024, 9, 1), start=D(2024, 6, 1), status=S.REQUESTED,
         role=Assignment.Role.COOPERATE)  # fmt: skip
    monthly = make("每月会议", "monthly", due=D(2024, 12, 31), start=D(2024, 3, 15))
    f.period_report(monthly, liaison_a, D(2024, 4, 1))
    quarterly = make("每季度检查", "quarterly", due=D(2024, 12, 31), start=D(2024, 4, 1))
    f.period_report(quarterly, liaison_a, D(2024, 5, 1))
    weekly = make("每周巡查", "weekly", due=D(2024, 12, 31), start=D(2024, 5, 20))
    f.period_report(weekly, liaison_a, D(2024, 6, 3))
    make("每半年", "semiannual", due=D(2025, 6, 30), start=D(2023, 1, 1))
    make("每年", "yearly", due=D(2026, 6, 30), start=D(2023, 1, 1))
    behind = make("进度落后", due=D(2024, 12, 31), start=D(2024, 1, 1))
    Assignment.objects.filter(pk=behind.pk).update(latest_percent=10)


def test_the_table_is_the_markup_of_the_templates_it_replaced(login, liaison_a, county, unit_a):
    _every_kind_of_row(county, unit_a, liaison_a)
    response = login(liaison_a).get(URL)
    rows = _rows(response)
    assert len(rows) == 13
    new, old = response.context["table"], _old_table_class()(rows, today=TODAY)
    assert _html(new) == _html(old)
    # and every branch was there to compare
    html = _html(new)
    for text in ("逾期9天", "今天到期", "还有6天", "已延期", "未设时限", "已撤销", "尚未报送",
                 "6月3日报送", "一次性", "每月报送 · 已办结", "漏报 2 期", "已报送", "待报送",
                 "row-red", "row-yellow", "row-green", "报送进展", "查看", "&lt;加强&gt;"):  # fmt: skip
        assert text in html, text


def test_each_rows_light_is_the_models_light(login, liaison_a, county, unit_a):
    _every_kind_of_row(county, unit_a, liaison_a)
    table = login(liaison_a).get(URL).context["table"]
    lights = [(table.light_of(r), r.light(TODAY)) for r in _rows_of(table)]
    assert {ours for ours, _ in lights} == {"red", "yellow", "green"}
    assert all(ours == model for ours, model in lights)


def _rows_of(table) -> list[Assignment]:
    """The assignments shown, in order, with the ``urgency`` they were shown with (the page's
    rows are light objects, tasks/my_task_rows.py)."""
    shown = [row.record for row in table.paginated_rows]
    found = Assignment.objects.in_bulk([r.pk for r in shown])
    for r in shown:
        found[r.pk].urgency = r.urgency
    return [found[r.pk] for r in shown]


def test_the_ranking_follows_the_day(login, liaison_a, on_day, county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 12), start=D(2024, 6, 1))
    client = login(liaison_a)
    assert [r.urgency for r in _rows(client.get(URL))] == [1]
    on_day(D(2024, 6, 13))
    response = client.get(URL)
    assert [r.urgency for r in _rows(response)] == [0]
    assert response.context["counts"]["red"] == 1
    on_day(D(2024, 6, 1))
    assert _rows(client.get(URL)) == [a]
    assert client.get(URL).context["counts"] == {
        "total": 1, "red": 0, "yellow": 0, "requested": 0, "done": 0
    }  # fmt: skip


def test_each_unit_is_ranked_on_its_own(client, liaison_a, liaison_b, county, unit_a, unit_b):
    mine = f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1))
    theirs = f.assignment(f.measure(j=county), unit_b, due=D(2024, 9, 1))
    for liaison, expected in ((liaison_a, mine), (liaison_b, theirs), (liaison_a, mine)):
        client.force_login(liaison)
        response = client.get(URL)
        assert _rows(response) == [expected]
        assert response.context["counts"]["total"] == 1


def test_filtered_rows_keep_the_order_and_the_tiles_count_everything(
    login, liaison_a, county, unit_a
):
    def make(text, **kw):
        return f.assignment(f.measure(j=county, text=text), unit_a, start=D(2024, 6, 1), **kw)

    late = make("检查甲", due=D(2024, 6, 5))
    soon = make("检查乙", due=D(2024, 6, 12))
    make("会议", due=D(2024, 6, 11))
    later = make("检查丙", due=D(2024, 8, 1))
    response = login(liaison_a).get(URL, {"q": "检查"})
    assert _rows(response) == [late, soon, later]
    assert response.context["table"].paginator.count == 3
    assert response.context["counts"]["total"] == 4


def test_a_sort_parameter_changes_nothing(login, liaison_a, county, unit_a):
    late = f.assignment(f.measure(j=county), unit_a, due=D(2024, 6, 1))
    later = f.assignment(f.measure(j=county), unit_a, due=D(2024, 9, 1))
    for sort in ("1", "measure", "-due_date", "light,-status"):
        response = login(liaison_a).get(URL, {"sort": sort})
        assert response.status_code == 200
        assert _rows(response) == [late, later]


@pytest.mark.parametrize(
    "data", [None, {"q": '应急"<>&', "status": "in_progress", "light": "red"}, {"light": "x"}]
)
def test_filter_form_reads_as_with_django_widgets(data):
    """The filter's inputs are written in Python (safetyplan.widgets); Django wrote these."""
    from bs4 import BeautifulSoup
    from django import forms

    from tasks.filters import MyTasksFilter

    class Slow(MyTasksFilter):
        pass

    def canonical(filterset) -> list:
        out = []
        for name in ("q", "status", "light"):
            tag = BeautifulSoup(str(filterset.form[name]), "lxml").select_one("input, select")
            options = [(o["value"], o.get_text(), o.has_attr("selected")) for o in tag("option")]
            out.append((tag.name, sorted(tag.attrs.items()), options))
        return out

    slow = Slow(data=data)
    q = slow.form.fields["q"]
    q.widget = forms.TextInput(attrs=dict(q.widget.attrs))  # placeholder, maxlength
    for name in ("status", "light"):
        field = slow.form.fields[name]
        field.widget = forms.Select(attrs=dict(field.widget.attrs), choices=field.choices)
    assert canonical(MyTasksFilter(data=data)) == canonical(slow)
