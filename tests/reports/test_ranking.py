"""考核排名: per-unit figures, the ranking order, sorting, the .xlsx, who may see it."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from reports.models import Reminder
from tasks.models import ExtensionRequest
from tests import factories as f
from tests.reports import DAY, body, done, overdue, set_office

URL = reverse("ranking")
XLSX = reverse("ranking_xlsx")


@pytest.fixture
def setup(county, on_day):
    on_day(DAY)
    return set_office(county)


def _extend(a, by, new_date):
    ExtensionRequest.objects.create(
        assignment=a,
        requested_by=by,
        requested_date=new_date,
        reason="资金未到位",
        status=ExtensionRequest.Status.APPROVED,
        approved_date=new_date,
    )
    a.due_date = new_date
    a.save()


def _figures_fixture(unit_a, unit_b, office):
    """县应急局: 4 assigned, 2 done (1 on time, 1 after its original date though within an
    approved extension), 1 overdue, 1 not yet due, 1 extension, 2 reminders.
    水峪贯镇: 2 assigned, 2 done on time."""
    a_on_time = done(overdue(unit_a, due=dt.date(2024, 2, 1)), dt.date(2024, 1, 30))
    a_extended = overdue(unit_a, due=dt.date(2024, 1, 31), text="延期后办结")
    _extend(a_extended, office, dt.date(2024, 2, 29))
    done(a_extended, dt.date(2024, 2, 20))
    a_late = overdue(unit_a, due=dt.date(2024, 2, 10), text="逾期未办")
    overdue(unit_a, due=dt.date(2024, 4, 1), text="未到期")
    for kind in ("email", "supervision"):
        Reminder.objects.create(assignment=a_late, kind=kind, reason="overdue")
    done(overdue(unit_b, due=dt.date(2024, 2, 1)), dt.date(2024, 1, 20))
    done(overdue(unit_b, due=dt.date(2024, 2, 15), text="b2"), dt.date(2024, 2, 15))
    return a_on_time


def _rows(html: str) -> list[str]:
    import re

    return re.findall(r'<a href="/units/\d+/">([^<]+)</a>', html)


def test_ranking_shows_each_units_figures(setup, unit_a, unit_b, office, login):
    from reports import ranking
    from tasks.access import visible_assignments
    from tasks.models import Assignment
    from units.access import get_actor
    from units.models import Unit

    _figures_fixture(unit_a, unit_b, office)
    response = login(office).get(URL)
    assert response.status_code == 200
    units = {
        u.name: u
        for u in ranking.ranked(Unit.objects.all(), visible_assignments(get_actor(office)), on=DAY)
    }
    a = units["县应急局"]
    assert (a.assigned, a.completed, a.on_time, a.overdue) == (4, 2, 1, 1)
    assert (a.extensions, a.reminders) == (1, 2)
    assert a.completion_rate == 50.0
    assert a.on_time_rate == pytest.approx(100 / 3)  # 应办结: 2 done + 1 past its date
    b = units["水峪贯镇"]
    assert (b.assigned, b.completed, b.on_time, b.overdue, b.rank) == (2, 2, 2, 0, 1)
    assert a.rank == 2
    html = response.content.decode()
    assert _rows(html) == ["水峪贯镇", "县应急局"]
    assert "33.3%" in html and "50.0%" in html and "100.0%" in html
    assert Assignment.objects.count() == 6


def test_equal_completion_rate_is_ranked_by_on_time_rate(setup, county, office, login):
    early, late = f.unit(county, "按时单位"), f.unit(county, "超期单位")
    done(overdue(early, due=dt.date(2024, 2, 1)), dt.date(2024, 1, 25))
    overdue(early, due=dt.date(2024, 2, 2), text="x")
    done(overdue(late, due=dt.date(2024, 2, 1)), dt.date(2024, 2, 25))
    overdue(late, due=dt.date(2024, 2, 2), text="y")
    html = login(office).get(URL).content.decode()
    assert _rows(html) == ["按时单位", "超期单位"]


def test_units_without_assignments_are_left_out(setup, county, unit_a, office, login):
    overdue(unit_a)
    f.unit(county, "空单位")
    html = login(office).get(URL).content.decode()
    assert "县应急局" in html and "空单位" not in html


def test_sort_by_a_column(setup, unit_a, unit_b, office, login):
    _figures_fixture(unit_a, unit_b, office)
    html = login(office).get(URL, {"sort": "-reminders"}).content.decode()
    assert _rows(html) == ["县应急局", "水峪贯镇"]
    html = login(office).get(URL, {"sort": "reminders"}).content.decode()
    assert _rows(html) == ["水峪贯镇", "县应急局"]


def test_bad_scope_falls_back_and_says_so(setup, unit_a, office, login):
    overdue(unit_a)
    html = login(office).get(URL, {"year": "1999", "jurisdiction": "x"}).content.decode()
    assert "查询条件有误" in html
    assert "县应急局" in html


def test_office_sees_a_supervise_link_leader_does_not(setup, unit_a, office, leader, login):
    overdue(unit_a)
    link = f"{reverse('supervision_issue')}?unit={unit_a.pk}"
    assert link in login(office).get(URL).content.decode()
    response = login(leader).get(URL)
    assert response.status_code == 200
    assert "县应急局" in response.content.decode()
    assert link not in response.content.decode()


def test_liaison_gets_403_anonymous_goes_to_login(setup, liaison_a, client, login):
    assert client.get(URL).status_code == 302
    assert client.get(XLSX).status_code == 302
    liaison = login(liaison_a)
    assert liaison.get(URL).status_code == 403
    assert liaison.get(XLSX).status_code == 403


def test_sibling_office_does_not_see_our_units(setup, unit_a, sibling_office, login):
    overdue(unit_a)
    assert "县应急局" not in login(sibling_office).get(URL).content.decode()
    sheet = _sheet(login(sibling_office).get(XLSX))
    assert sheet.max_row == 2  # title and header only
    assert sheet["A1"].value.startswith("文水县")


# ---- .xlsx ------------------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(body(response))).active


def test_xlsx_has_title_header_and_ranked_rows(setup, unit_a, unit_b, office, leader, login):
    _figures_fixture(unit_a, unit_b, office)
    sheet = _sheet(login(leader).get(XLSX))
    assert sheet["A1"].value == "交城县2024年度安全生产工作考核排名（截至2024年3月1日）"
    assert [c.value for c in sheet[2]] == [
        "排名",
        "单位",
        "分配",
        "已办结",
        "按时办结",
        "逾期",
        "获批延期",
        "收到催办",
        "完成率",
        "按时办结率",
    ]
    assert [c.value for c in sheet[3]] == [1, "水峪贯镇", 2, 2, 2, 0, 0, 0, 1.0, 1.0]
    row = [c.value for c in sheet[4]]
    assert row[:8] == [2, "县应急局", 4, 2, 1, 1, 1, 2]
    assert row[8] == 0.5 and row[9] == pytest.approx(1 / 3, abs=1e-4)
    assert sheet["I3"].number_format == "0.0%"
    assert sheet.max_row == 4
    assert sheet.column_dimensions["B"].width >= 20


def test_xlsx_follows_the_chosen_year(setup, county, unit_a, office, login):
    overdue(unit_a)
    old = f.notice(county, year=2023)
    overdue(unit_a, notice=old, text="去年的")
    sheet = _sheet(login(office).get(XLSX, {"year": 2023, "jurisdiction": county.pk}))
    assert "2023年度" in sheet["A1"].value
    assert sheet["C3"].value == 1


# ---- query counts ------------------------------------------------------------------------------


def _units(county, n):
    n_notice = f.notice(county)
    for i in range(n):
        unit = f.unit(county, f"排名单位{i}")
        a = overdue(unit, notice=n_notice, text=f"措施{i}")
        if i % 2:
            done(a, dt.date(2024, 1, 20))
        Reminder.objects.create(assignment=a, kind="email", reason="overdue")


@pytest.mark.parametrize("rows", [10, 100])
def test_ranking_query_count_is_constant(
    setup, county, office, login, django_assert_num_queries, rows
):
    _units(county, rows)
    client = login(office)
    client.get(URL)
    with django_assert_num_queries(QUERIES_PAGE):
        html = client.get(URL).content.decode()
    assert len(_rows(html)) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_ranking_xlsx_query_count_is_constant(
    setup, county, office, login, django_assert_num_queries, rows
):
    _units(county, rows)
    client = login(office)
    client.get(URL)
    with django_assert_num_queries(QUERIES_XLSX):
        sheet = _sheet(client.get(XLSX))
    assert sheet.max_row == rows + 2


QUERIES_PAGE = 6  # session, user, years, jurisdictions, the ranked units, the badge
QUERIES_XLSX = 5


def test_equal_figures_share_a_rank(setup, county, office, login):
    for name in ("甲单位", "乙单位"):
        done(overdue(f.unit(county, name), due=dt.date(2024, 2, 1)), dt.date(2024, 1, 25))
    third = f.unit(county, "丙单位")
    overdue(third, due=dt.date(2024, 2, 1))
    sheet = _sheet(login(office).get(XLSX))
    assert [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=3)] == [
        (1, "甲单位"),
        (1, "乙单位"),
        (3, "丙单位"),
    ]
