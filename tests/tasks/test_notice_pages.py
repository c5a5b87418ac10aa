"""Notices: the list with its counts and one notice with its chapters, tasks and measures."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks.models import Assignment, Measure, Task
from tests import factories as f

S, R = Assignment.Status, Assignment.Role
DAY = dt.date(2024, 5, 10)


@pytest.fixture
def notice(county):
    return f.notice(county, year=2024, title="关于做好2024年安全生产工作的通知")


@pytest.fixture
def filled(notice, unit_a, unit_b, on_day):
    """Two chapters; a late measure (县应急局 牵头, 水峪贯镇 配合), one done, one withdrawn."""
    on_day(DAY)
    t1 = Task.objects.create(
        notice=notice, number="1", chapter="一、压实责任", title="落实党政责任", order=1
    )
    t2 = Task.objects.create(
        notice=notice, number="2", chapter="二、风险防控", title="排查隐患", order=2
    )
    late = Measure.objects.create(
        task=t1, text="每月召开安委会会议研究安全生产。", due_date=dt.date(2024, 3, 31)
    )
    f.assignment(late, unit_a, role=R.LEAD, due=dt.date(2024, 3, 31))
    f.assignment(late, unit_b, role=R.COOPERATE, due=dt.date(2024, 3, 31))
    done = Measure.objects.create(task=t2, text="开展隐患排查整治行动。", order=1)
    f.assignment(done, unit_b, status=S.DONE)
    gone = Measure.objects.create(task=t2, text="已撤销的旧措施内容。", order=2, withdrawn=True)
    f.assignment(gone, unit_a, due=dt.date(2024, 1, 31))  # late, but no longer followed up
    return notice  # fmt: skip


def _many(notice, unit, n):
    task = Task.objects.create(notice=notice, number="9", chapter="三、其他", title="其他")
    for i in range(n):
        m = Measure.objects.create(
            task=task, text=f"措施{i}", order=i, recurrence="monthly" if i % 2 else ""
        )
        f.assignment(m, unit, role=R.LEAD, due=DAY - dt.timedelta(days=i % 3))  # fmt: skip


# ---- list ------------------------------------------------------------------------------------


def test_office_sees_notice_list_with_counts(login, office, filled):
    response = login(office).get(reverse("notice_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "关于做好2024年安全生产工作的通知" in html
    row = response.context["table"].rows[0].record
    assert (row.measure_count, row.assignment_count, row.overdue_count) == (2, 3, 2)
    assert f"?notice={filled.pk}&amp;timing=overdue" in html


def test_notice_list_filters_by_year(login, office, filled, county):
    f.notice(county, year=2023, title="关于做好2023年安全生产工作的通知")
    html = login(office).get(reverse("notice_list"), {"year": 2023}).content.decode()
    assert "2023年安全生产工作的通知" in html and "2024年安全生产工作的通知" not in html


def test_notice_list_bad_year_says_so_in_chinese(login, office, filled):
    response = login(office).get(reverse("notice_list"), {"year": "abc"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()
    assert len(response.context["table"].rows) == 0


def test_sibling_office_does_not_see_our_notices(login, sibling_office, filled):
    html = login(sibling_office).get(reverse("notice_list")).content.decode()
    assert "2024年安全生产工作的通知" not in html


def test_township_office_does_not_see_county_notice(login, township_office, filled):
    html = login(township_office).get(reverse("notice_list")).content.decode()
    assert "2024年安全生产工作的通知" not in html
    response = login(township_office).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, filled):
    for url in (reverse("notice_list"), reverse("notice_detail", args=[filled.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_liaison_cannot_open_notice_pages(login, liaison_a, filled):
    client = login(liaison_a)
    assert client.get(reverse("notice_list")).status_code == 403
    assert client.get(reverse("notice_detail", args=[filled.pk])).status_code == 403


def test_notice_list_query_count_does_not_grow(
    login, office, county, unit_a, django_assert_num_queries
):
    client = login(office)
    for i in range(10):
        _many(f.notice(county, title=f"通知{i}"), unit_a, 2)
    client.get(reverse("notice_list"))  # warm the session
    with django_assert_num_queries(6) as ten:
        assert len(client.get(reverse("notice_list")).context["table"].rows) == 10
    for i in range(90):
        f.notice(county, title=f"另一份通知{i}")
    with django_assert_num_queries(len(ten.captured_queries)):
        response = client.get(reverse("notice_list"), {"per_page": 100})
        assert len(response.context["table"].page.object_list) == 100  # fmt: skip


# ---- detail ----------------------------------------------------------------------------------


def test_detail_shows_chapters_tasks_and_units_by_role(login, office, filled):
    response = login(office).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    chapter_2 = html.index('<h2 id="chapter-2">二、风险防控</h2>')
    assert (
        html.index('<h2 id="chapter-1">一、压实责任</h2>') < html.index("落实党政责任") < chapter_2
    )
    assert 'class="chip role-lead chip-late"' in html and "县应急局<small>牵头</small>" in html
    assert 'class="chip role-cooperate chip-late"' in html
    assert "2024年3月31日前" in html


def test_detail_shows_status_and_lights(login, office, filled):
    html = login(office).get(reverse("notice_detail", args=[filled.pk])).content.decode()
    assert '<span class="mstatus mstatus-late">逾期</span>' in html
    assert '<span class="mstatus mstatus-done">已办结</span>' in html
    assert 'class="light red"' in html and 'class="light green"' in html


def test_withdrawn_measure_is_struck_through_not_hidden(login, office, filled):
    html = login(office).get(reverse("notice_detail", args=[filled.pk])).content.decode()
    assert "已撤销的旧措施内容。" in html
    start = html.index("已撤销的旧措施内容。")
    assert 'class="withdrawn"' in html[html.rindex("<li", 0, start) : start]
    item = html[start : html.index("</li>", start)]
    assert "县应急局<small>负责</small>" in item and "light red" not in item
    summary = login(office).get(reverse("notice_detail", args=[filled.pk])).context["summary"]
    assert summary == {"measures": 2, "unassigned": 0, "red": 1, "done": 1, "withdrawn": 1}


def test_leader_reads_detail_without_office_links(login, leader, filled):
    response = login(leader).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 200
    assert "批量分配" not in response.content.decode()


def test_leader_cannot_post_to_notice_detail(login, leader, filled):
    response = login(leader).post(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 405


def test_sibling_office_gets_404_on_our_notice(login, sibling_office, filled):
    response = login(sibling_office).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 404
    assert "落实党政责任" not in response.content.decode()


def test_detail_query_count_does_not_grow(
    login, office, notice, unit_a, on_day, django_assert_num_queries
):
    on_day(DAY)
    client = login(office)
    url = reverse("notice_detail", args=[notice.pk])
    _many(notice, unit_a, 10)
    client.get(url)
    with django_assert_num_queries(7) as ten:
        assert client.get(url).content.decode().count('id="measure-') == 10
    _many(notice, unit_a, 90)
    with django_assert_num_queries(len(ten.captured_queries)):
        assert client.get(url).content.decode().count('id="measure-') == 100


def test_notice_list_sorts_by_overdue_count(login, office, filled, county):
    f.notice(county, year=2025, title="没有逾期的通知")
    table = login(office).get(reverse("notice_list"), {"sort": "-overdue_count"}).context["table"]
    assert [row.record.overdue_count for row in table.page.object_list] == [2, 0]
