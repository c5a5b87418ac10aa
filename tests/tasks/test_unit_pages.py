"""The unit list (单位) and the unit page: figures, assignments, reports, history."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import Assignment
from tests import factories as f

D = dt.date
S = Assignment.Status
ON = D(2024, 7, 1)
LIST = "/units/"


def _detail(unit) -> str:
    return reverse("unit_detail", args=[unit.pk])


@pytest.fixture
def data(county, unit_a, unit_b, office, liaison_a, on_day):
    """县应急局: one overdue, one behind 序时进度 (30% on 1 July of a yearly task), one extended
    from 20 July to 31 August and half done (on schedule); 水峪贯镇: one on schedule."""
    on_day(ON)
    n = f.notice(county, year=2024)
    late = f.assignment(
        f.measure(n, text="开展危化品专项检查"), unit_a, start=D(2024, 1, 1), due=D(2024, 6, 1)
    )
    behind = f.assignment(
        f.measure(n, text="组织全县应急演练"), unit_a, start=D(2024, 1, 1), due=D(2024, 12, 31)
    )
    services.report_progress(assignment=behind, author=liaison_a, text="已制定演练方案", percent=30)
    extended = f.assignment(
        f.measure(n, text="完成隐患排查台账"), unit_a, start=D(2024, 6, 1), due=D(2024, 7, 20)
    )
    ext = services.request_extension(
        assignment=extended, by=liaison_a, requested_date=D(2024, 8, 31), reason="设备未到"
    )
    services.decide_extension(extension=ext, by=office, approve=True)
    services.report_progress(assignment=extended, author=liaison_a, text="已排查过半", percent=50)
    other = f.assignment(
        f.measure(n, text="乡镇安全检查"), unit_b, start=D(2024, 6, 25), due=D(2024, 12, 31)
    )
    return {"late": late, "behind": behind, "extended": extended, "other": other}


# ---- unit list ----------------------------------------------------------------------------


def test_unit_list_anonymous_goes_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unit_list_shows_every_unit_with_figures(login, office, data, county):
    f.unit(county, "县住建局")
    response = login(office).get(LIST)
    assert response.status_code == 200
    rows = {r.record.name: r.record for r in response.context["table"].page.object_list}
    assert set(rows) == {"县应急局", "水峪贯镇", "县住建局"}  # with or without assignments
    a = rows["县应急局"]
    assert (a.assigned, a.late, a.behind, a.light_rank) == (3, 1, 1, 2)
    assert rows["县住建局"].assigned == 0
    assert _detail(rows["县应急局"]) in response.text


def test_unit_list_sorts(login, office, data):
    response = login(office).get(LIST, {"sort": "assigned"})
    names = [r.record.name for r in response.context["table"].page.object_list]
    assert names == ["水峪贯镇", "县应急局"]
    response = login(office).get(LIST, {"sort": "-light"})
    assert response.context["table"].page.object_list[0].record.name == "县应急局"


def test_unit_list_filters_by_name_or_alias(login, office, data):
    response = login(office).get(LIST, {"q": "应急管理局"})
    rows = [r.record for r in response.context["table"].page.object_list]
    assert [u.name for u in rows] == ["县应急局"]
    assert rows[0].assigned == 3  # an alias match does not multiply the figures


def test_unit_list_bad_input_says_so_and_lists_nothing(login, office, data):
    response = login(office).get(LIST, {"kind": "planet"})
    assert response.status_code == 200
    assert "查询条件有误" in response.text
    assert len(response.context["table"].page.object_list) == 0


def test_unit_list_is_closed_to_liaisons(login, liaison_a, data):
    assert login(liaison_a).get(LIST).status_code == 403


def test_unit_list_leader_reads_but_cannot_write(login, leader, data):
    client = login(leader)
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, {"q": "x"}).status_code == 405


def test_unit_list_sibling_office_sees_only_its_own_units(login, sibling_office, data):
    response = login(sibling_office).get(LIST)
    assert response.status_code == 200
    assert "县应急局" not in response.text and "水峪贯镇" not in response.text


@pytest.mark.parametrize("size", [10, 100])
def test_unit_list_query_count(login, office, county, on_day, size, django_assert_num_queries):
    on_day(ON)
    n = f.notice(county, year=2024)
    for i in range(size):
        f.assignment(f.measure(n), f.unit(county, f"单位{i:03d}"), due=D(2024, 6, 1 + i % 28))
    client = login(office)
    client.get(LIST)
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert len(response.context["table"].page.object_list) == min(size, 50)


# ---- unit page ----------------------------------------------------------------------------


def test_unit_page_anonymous_goes_to_login(client, unit_a):
    response = client.get(_detail(unit_a))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_office_sees_everything_assigned_to_the_unit(login, office, data, unit_a):
    response = login(office).get(_detail(unit_a))
    assert response.status_code == 200
    html = response.text
    for text in ("开展危化品专项检查", "组织全县应急演练", "完成隐患排查台账"):
        assert text in html
    assert "乡镇安全检查" not in html  # another unit's
    lights = {r.record.measure.text: r.record.light_rank for r in response.context["table"].rows}
    assert lights == {"开展危化品专项检查": 2, "组织全县应急演练": 1, "完成隐患排查台账": 0}
    assert "落后序时进度20个百分点" in html
    assert "原定2024年7月20日，已延期" in html and "2024年8月31日" in html
    totals = response.context["totals"]
    assert (totals.assigned, totals.late, totals.behind) == (3, 1, 1)


def test_unit_page_shows_reports_and_history(login, office, liaison_a, data, unit_a):
    services.report_progress(assignment=data["behind"], author=liaison_a, text="更正", percent=30)
    html = login(office).get(_detail(unit_a)).text
    assert "报送进展；进度仍为30%" in html  # a new report, the same percent
    assert "已制定演练方案" in html and "30%" in html
    assert "县应急局" in html
    # Who changed what: the report moved the status and the percent; the extension the date.
    assert "状态：未启动 → 推进中" in html
    assert "报送进展；状态：未启动 → 推进中；进度：0% → 30%" in html
    assert "完成时限：2024年7月20日 → 2024年8月31日" in html
    assert "liaison_a" in html and "office" in html


def test_unit_page_sorts_by_due_date(login, office, data, unit_a):
    response = login(office).get(_detail(unit_a), {"sort": "-due_date"})
    texts = [r.record.measure.text for r in response.context["table"].rows]
    assert texts == ["组织全县应急演练", "完成隐患排查台账", "开展危化品专项检查"]


def test_liaison_sees_their_own_unit(login, liaison_a, data, unit_a):
    response = login(liaison_a).get(_detail(unit_a))
    assert response.status_code == 200
    assert "组织全县应急演练" in response.text


def test_liaison_cannot_see_other_unit(login, liaison_b, data, unit_a):
    response = login(liaison_b).get(_detail(unit_a))
    assert response.status_code == 404
    assert "开展危化品专项检查" not in response.text


def test_sibling_office_gets_404(login, sibling_office, data, unit_a):
    assert login(sibling_office).get(_detail(unit_a)).status_code == 404


def test_township_office_gets_404_for_a_county_unit(login, township_office, data, unit_a):
    assert login(township_office).get(_detail(unit_a)).status_code == 404


def test_leader_reads_the_unit_page_but_cannot_write(login, leader, data, unit_a):
    client = login(leader)
    response = client.get(_detail(unit_a))
    assert response.status_code == 200
    assert 'method="post"' not in response.text.split("</header>")[1]
    assert client.post(_detail(unit_a), {"status": "done"}).status_code == 405
    assert Assignment.objects.filter(unit=unit_a, status=S.DONE).count() == 0


def test_unit_page_bad_input_is_explained(login, office, data, unit_a):
    response = login(office).get(_detail(unit_a), {"status": "finished", "year": "2024"})
    assert response.status_code == 200
    assert "查询条件有误" in response.text
    assert len(response.context["table"].rows) == 3  # the bad filter is not applied


def test_unit_page_filters_by_status_and_year(login, office, data, unit_a, county):
    f.assignment(f.measure(f.notice(county, year=2023), text="去年的任务"), unit_a)
    client = login(office)
    assert "去年的任务" not in client.get(_detail(unit_a)).text  # latest year by default
    assert "去年的任务" in client.get(_detail(unit_a), {"year": "2023"}).text
    response = client.get(_detail(unit_a), {"status": "in_progress"})
    texts = {r.record.measure.text for r in response.context["table"].rows}
    assert texts == {"组织全县应急演练", "完成隐患排查台账"}  # the overdue one was never started


def test_unknown_unit_is_404(login, office, data):
    assert login(office).get("/units/999999/").status_code == 404


@pytest.mark.parametrize("size", [10, 100])
def test_unit_page_query_count(
    login, office, county, unit_a, liaison_a, on_day, size, django_assert_num_queries
):
    on_day(ON)
    n = f.notice(county, year=2024)
    for i in range(size):
        a = f.assignment(
            f.measure(n, recurrence="monthly" if i % 3 == 0 else ""),
            unit_a,
            start=D(2024, 1, 1),
            due=D(2024, 6, 1 + i % 28) if i % 2 else D(2024, 12, 31),
        )
        if i % 5 == 0:
            services.report_progress(assignment=a, author=liaison_a, text=f"进展{i}", percent=40)
    client = login(office)
    client.get(_detail(unit_a))
    with django_assert_num_queries(10):
        response = client.get(_detail(unit_a))
    assert len(response.context["table"].page.object_list) == min(size, 50)
    assert len(response.context["history"]) == min(20, size + (size + 4) // 5)
