"""The 台账 export: the workbook's layout, rows, red fills, filters, and who may export what."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.ledger import iter_measures
from tasks.models import Assignment, Measure, ProgressReport, Task
from tests import factories as f

S, R = Assignment.Status, Assignment.Role
DAY = dt.date(2024, 3, 1)
URL = reverse("ledger_xlsx")
HEADER = ("序号", "任务", "主要内容", "牵头单位", "配合单位 / 责任单位", "完成时限", "状态",
          "最新进展", "逾期天数")  # fmt: skip
RED = "00FFC7CE"


def _report(assignment, author, text, percent, day):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    ProgressReport.objects.create(
        assignment=assignment, author=author, text=text, percent=percent, created_at=moment
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        latest_percent=percent, latest_report_at=moment
    )


@pytest.fixture
def rows(county, unit_a, unit_b, liaison_a, on_day):
    """Measures named for what sets them apart, judged on 2024年3月1日."""
    on_day(DAY)
    notice = f.notice(county, year=2024)
    task = Task.objects.create(notice=notice, number="1", title="落实责任", order=1)
    m = {
        "late": Measure.objects.create(task=task, text="逾期措施", due_date=dt.date(2024, 2, 20)),
        "done": Measure.objects.create(
            task=task, text="已办结措施", due_date=dt.date(2024, 6, 30), order=1
        ),
        "monthly": Measure.objects.create(
            task=task,
            text="每月开会措施",
            recurrence="monthly",
            due_date=dt.date(2024, 12, 31),
            order=2,
        ),
        "nobody": Measure.objects.create(task=task, text="未分配措施", order=3),
    }
    late_a = f.assignment(m["late"], unit_a, role=R.LEAD, due=dt.date(2024, 2, 20),
                          status=S.IN_PROGRESS)  # fmt: skip
    f.assignment(m["late"], unit_b, role=R.COOPERATE, due=dt.date(2024, 2, 20))
    f.assignment(m["done"], unit_b, role=R.RESPONSIBLE, due=dt.date(2024, 6, 30), status=S.DONE)
    f.assignment(m["monthly"], unit_a, due=dt.date(2024, 12, 31), start=dt.date(2024, 1, 5))
    _report(late_a, liaison_a, "已召开专题会议", 60, dt.date(2024, 2, 25))
    return m


def _workbook(response):
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _data(ws):
    return [row for row in ws.iter_rows(min_row=3, values_only=True)]


def _by_text(ws):
    return {row[2]: row for row in _data(ws)}


def test_office_gets_the_ledger_with_title_frozen_header_and_one_row_per_measure(
    login, office, rows
):
    response = login(office).get(URL)
    assert "attachment" in response["Content-Disposition"]
    ws = _workbook(response)["台账"]
    assert ws["A1"].value == "交城县2024年安全生产工作任务台账（截至2024年3月1日）"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:I1"]
    assert ws.freeze_panes == "A3"
    assert tuple(c.value for c in ws[2]) == HEADER
    assert [row[0] for row in _data(ws)] == [1, 2, 3, 4]
    assert [row[2] for row in _data(ws)] == ["逾期措施", "已办结措施", "每月开会措施", "未分配措施"]
    assert ws["C3"].alignment.wrap_text and ws.column_dimensions["C"].width > 40


def test_each_column_says_what_the_office_needs(login, office, rows):
    ws = _workbook(login(office).get(URL))["台账"]
    late = _by_text(ws)["逾期措施"]
    assert late[1] == "（1）落实责任"
    assert late[3:5] == ("县应急局", "水峪贯镇")
    assert late[5] == dt.datetime(2024, 2, 20)
    assert ws["F3"].number_format == 'yyyy"年"m"月"d"日"'
    assert late[6] == "逾期"
    assert late[7] == "县应急局：已召开专题会议（60%，2024年2月25日）\n尚未报送：水峪贯镇"
    assert late[8] == 10  # 2024 is a leap year: 20 February to 1 March
    done, monthly, nobody = (_by_text(ws)[k] for k in ("已办结措施", "每月开会措施", "未分配措施"))
    assert (done[3], done[4], done[6], done[8]) == (None, "水峪贯镇", "已办结", None)
    assert monthly[6] == "未启动" and monthly[8] == "漏报2期"  # January and February
    assert nobody[6] == "未分配" and nobody[7] is None


def test_late_rows_are_filled_red_and_others_are_not(login, office, rows):
    ws = _workbook(login(office).get(URL))["台账"]
    fills = {row[2].value: {c.fill.fgColor.rgb for c in row} for row in ws.iter_rows(min_row=3)}
    assert fills["逾期措施"] == {RED}
    assert fills["每月开会措施"] == {RED}  # a missed period is late too
    assert RED not in fills["已办结措施"] and RED not in fills["未分配措施"]


def test_the_measure_list_filters_narrow_the_ledger(login, office, rows, unit_b):
    client = login(office)
    ws = _workbook(client.get(URL, {"unit": unit_b.pk, "timing": "overdue"}))["台账"]
    assert [row[2] for row in _data(ws)] == ["逾期措施"]
    ws = _workbook(client.get(URL, {"q": "开会", "recurrence": "monthly"}))["台账"]
    assert [row[2] for row in _data(ws)] == ["每月开会措施"]


def test_bad_filter_values_export_nothing_and_say_why(login, office, rows):
    response = login(office).get(URL, {"timing": "tomorrow"}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("ledger_export"))
    assert "筛选条件有误，未导出台账" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


def test_per_unit_adds_one_sheet_per_unit_with_its_own_rows(login, office, rows):
    wb = _workbook(login(office).get(URL, {"per_unit": "1"}))
    assert wb.sheetnames == ["台账", "县应急局", "水峪贯镇"]
    ws_a = wb["县应急局"]
    assert ws_a["A1"].value.startswith("县应急局 · 交城县2024年")
    assert ws_a.freeze_panes == "A3"
    assert [(r[2], r[6], r[7]) for r in _data(ws_a)] == [
        ("逾期措施", "推进中", "已召开专题会议（60%，2024年2月25日）"),
        ("每月开会措施", "未启动", "尚未报送"),
    ]
    assert [(r[2], r[6], r[8]) for r in _data(wb["水峪贯镇"])] == [
        ("逾期措施", "未启动", 10),
        ("已办结措施", "已办结", None),
    ]
    assert ws_a["C3"].fill.fgColor.rgb == RED


def test_a_report_starting_with_equals_stays_text(login, office, liaison_b, rows):
    late_b = Assignment.objects.get(measure=rows["late"], unit__name="水峪贯镇")
    _report(late_b, liaison_b, '=HYPERLINK("http://x")', 10, dt.date(2024, 2, 26))
    ws = _workbook(login(office).get(URL, {"per_unit": "1"}))["水峪贯镇"]
    assert ws["H3"].data_type == "s" and ws["H3"].value.startswith("=HYPERLINK")


def test_leader_may_export_their_jurisdiction(login, leader, rows):
    ws = _workbook(login(leader).get(URL))["台账"]
    assert len(_data(ws)) == 4


def test_anonymous_is_sent_to_login(client, rows):
    for url in (URL, reverse("ledger_export")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_liaison_exports_only_their_own_units_assignments(login, liaison_b, rows):
    wb = _workbook(login(liaison_b).get(URL, {"per_unit": "1"}))
    ws = wb["台账"]
    assert ws["A1"].value.startswith("水峪贯镇2024年安全生产工作任务台账")
    assert [(r[2], r[3], r[4]) for r in _data(ws)] == [
        ("逾期措施", None, "水峪贯镇"),
        ("已办结措施", None, "水峪贯镇"),
    ]
    everything = "".join(str(c) for sheet in wb for row in sheet.values for c in row)
    assert "县应急局" not in everything and "已召开专题会议" not in everything


def test_liaison_cannot_export_another_units_assignments(login, liaison_b, unit_a, rows):
    ws = _workbook(login(liaison_b).get(URL, {"unit": unit_a.pk}))["台账"]
    everything = "".join(str(c) for row in ws.values for c in row)
    assert "县应急局" not in everything and "每月开会措施" not in everything


def test_sibling_office_gets_none_of_our_rows(login, sibling_office, rows):
    client = login(sibling_office)
    ws = _workbook(client.get(URL))["台账"]
    assert _data(ws) == []
    notice = rows["late"].task.notice
    response = client.get(URL, {"notice": notice.pk})
    assert response.status_code == 302  # not one of theirs: refused, nothing exported


def test_user_without_role_gets_403(login, county, rows):
    nobody = f.user("nobody", role=None, j=county)
    assert login(nobody).get(URL).status_code == 403


def test_only_get_is_allowed(login, office, rows):
    assert login(office).post(URL).status_code == 405


def test_export_page_counts_the_rows_and_links_the_download(login, office, rows, unit_b):
    response = login(office).get(reverse("ledger_export"), {"unit": unit_b.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["measure_count"] == 2
    assert f'href="{URL}?unit={unit_b.pk}"' in html
    assert f"{URL}?unit={unit_b.pk}&amp;per_unit=1" in html


def test_export_page_shows_a_bad_filter(login, office, rows):
    response = login(office).get(reverse("ledger_export"), {"status": "lost"})
    assert "筛选条件有误，不能导出" in response.content.decode()
    assert URL not in response.content.decode()


def test_measures_come_in_chunks_with_their_assignments(rows, django_assert_num_queries):
    measures = Measure.objects.order_by("order", "id")
    # One streamed query for the measures, one for the assignments of each chunk of 2.
    with django_assert_num_queries(3):
        got = list(iter_measures(measures, Assignment.objects.all(), today=DAY, chunk_size=2))
    assert [m.text for m in got] == ["逾期措施", "已办结措施", "每月开会措施", "未分配措施"]
    assert [[a.unit_name for a in m.assignments] for m in got] == [
        ["县应急局", "水峪贯镇"], ["水峪贯镇"], ["县应急局"], []
    ]  # fmt: skip


def _many(county, unit_a, unit_b, n):
    notice = f.notice(county, year=2024, title=f"通知{n}")
    task = Task.objects.create(notice=notice, number="1", title="落实责任")
    measures = Measure.objects.bulk_create(
        Measure(task=task, text=f"措施{i}", due_date=dt.date(2024, 2, 1), order=i) for i in range(n)
    )
    for m in measures:
        f.assignment(m, unit_a, role=R.LEAD, due=dt.date(2024, 2, 1))
        f.assignment(m, unit_b, role=R.COOPERATE, due=dt.date(2024, 2, 1))


@pytest.mark.parametrize("n", [10, 100])
def test_export_queries_do_not_grow_with_rows(
    login, office, county, unit_a, unit_b, on_day, n, django_assert_num_queries
):
    on_day(DAY)
    _many(county, unit_a, unit_b, n)
    client = login(office)
    client.get(URL)  # warm the session
    # session, user (with role and jurisdiction); the filter's notices (and years) and
    # chapters; the years of the title; the units of the per-unit sheets; the measures; their
    # assignments.
    with django_assert_num_queries(8):
        ws = _workbook(client.get(URL, {"per_unit": "1"}))["台账"]
    assert len(_data(ws)) == n


def test_rows_are_as_tall_as_their_wrapped_text(login, office, rows):
    rows["done"].text = "很长的措施内容" * 30
    rows["done"].save()
    ws = _workbook(login(office).get(URL))["台账"]
    short, long = ws.row_dimensions[3].height, ws.row_dimensions[4].height
    assert short and long and long >= 4 * 16 > short


def test_a_measure_without_a_date_shows_its_units_earliest_date(login, office, rows, unit_a):
    f.assignment(rows["nobody"], unit_a, due=dt.date(2024, 4, 15))
    ws = _workbook(login(office).get(URL))["台账"]
    assert _by_text(ws)["未分配措施"][5] == dt.datetime(2024, 4, 15)


def test_a_units_own_sheet_shortens_a_long_list_of_units(login, office, county, unit_a, rows):
    others = [f.unit(county, f"县单位甲{i}") for i in range(7)]
    for u in others:
        f.assignment(rows["late"], u, role=R.COOPERATE, due=dt.date(2024, 2, 20))
    wb = _workbook(login(office).get(URL, {"per_unit": "1"}))
    full = _by_text(wb["台账"])["逾期措施"][4]
    short = _by_text(wb["县应急局"])["逾期措施"][4]
    assert full.count("、") == 7 and full.endswith("县单位甲6")
    assert short == "水峪贯镇、县单位甲0、县单位甲1、县单位甲2、县单位甲3、县单位甲4等8个单位"
