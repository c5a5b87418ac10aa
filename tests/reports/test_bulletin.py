"""通报: the .docx of a month or a quarter, its figures and ranking, and who may have it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f
from tests.reports import (
    body,
    docx_text,
    done,
    east_asian_fonts,
    overdue,
    read_docx,
    set_office,
    table_rows,
)

URL = reverse("bulletin")
TODAY = dt.date(2024, 4, 3)


@pytest.fixture
def setup(county, unit_a, unit_b, on_day):
    """First quarter of 2024: 水峪贯镇 did both of its items on time; 县应急局 did one of
    three late, has one overdue, and finished one more only in April (after the quarter)."""
    on_day(TODAY)
    set_office(county)
    done(overdue(unit_b, due=dt.date(2024, 2, 1), text="b1"), dt.date(2024, 1, 20))
    done(overdue(unit_b, due=dt.date(2024, 3, 1), text="b2"), dt.date(2024, 2, 28))
    done(overdue(unit_a, due=dt.date(2024, 1, 31), text="a1"), dt.date(2024, 2, 10))
    overdue(unit_a, due=dt.date(2024, 3, 15), text="a2")
    done(overdue(unit_a, due=dt.date(2024, 3, 20), text="a3"), dt.date(2024, 4, 2))
    return county


def get(client, **params):
    data = {"jurisdiction": params.pop("jurisdiction", None), "year": 2024, **params}
    return client.get(URL, {k: v for k, v in data.items() if v is not None})


def test_quarter_bulletin_ranks_units_and_names_the_late(setup, county, office, login):
    response = get(login(office), jurisdiction=county.pk, period="q1")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = read_docx(body(response))
    text = docx_text(document)
    assert "关于2024年第一季度安全生产重点工作落实情况的通报" in text
    assert "交城县安委会各成员单位：" in text
    assert "截至2024年3月31日" in text
    rows = table_rows(document)
    assert rows[0] == [
        "排名",
        "单位",
        "分配",
        "已办结",
        "按时办结",
        "逾期",
        "完成率",
        "按时办结率",
    ]
    assert rows[1] == ["1", "水峪贯镇", "2", "2", "2", "0", "100.0%", "100.0%"]
    # a3 (due 20 March) was done only on 2 April: on 31 March it was late, not done.
    assert rows[2] == ["2", "县应急局", "3", "1", "0", "2", "33.3%", "0.0%"]
    assert "以下1个单位存在逾期未办结任务：县应急局（2项）" in text
    assert "5项，已办结3项，其中按时办结2项" in text
    assert document.paragraphs[-2].text == "交城县安全生产委员会办公室"
    assert document.paragraphs[-1].text == "2024年4月3日"


def test_month_bulletin_counts_what_stood_at_the_end_of_that_month(setup, county, office, login):
    document = read_docx(body(get(login(office), jurisdiction=county.pk, period="m1")))
    text = docx_text(document)
    assert "关于2024年1月安全生产重点工作落实情况的通报" in text
    rows = {r[1]: r for r in table_rows(document)[1:]}
    # On 31 January: 县应急局's a1 (due 31 January) not yet done: late; b1 done on time.
    assert rows["县应急局"][2:6] == ["3", "0", "0", "1"]
    assert rows["水峪贯镇"][2:6] == ["2", "1", "1", "0"]


def test_running_period_stands_at_today(setup, county, office, login):
    text = docx_text(read_docx(body(get(login(office), jurisdiction=county.pk, period="q2"))))
    assert "截至2024年4月3日" in text


def test_bulletin_uses_official_layout_and_fonts(setup, county, office, login):
    document = read_docx(body(get(login(office), jurisdiction=county.pk, period="q1")))
    section = document.sections[0]
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin)] == [37, 35]
    assert [round(x.mm) for x in (section.left_margin, section.right_margin)] == [28, 26]
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= east_asian_fonts(document)
    heading = next(p for p in document.paragraphs if p.text == "一、总体情况")
    rfonts = heading.runs[0]._element.rPr.rFonts
    assert (
        rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "黑体"
    )


def test_form_defaults_to_last_month(setup, office, login):
    response = login(office).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="m3" selected>' in html
    assert '<option value="2024" selected>' in html


def test_future_period_is_refused(setup, county, office, login):
    response = get(login(office), jurisdiction=county.pk, period="m5")
    assert response.status_code == 400
    assert "2024年5月尚未开始，不能通报" in response.content.decode()


def test_bad_period_is_refused(setup, county, office, login):
    response = get(login(office), jurisdiction=county.pk, period="m13")
    assert response.status_code == 400
    assert "请选择月份或季度" in response.content.decode()


def test_year_without_notices_is_refused(setup, county, office, login):
    response = get(login(office), jurisdiction=county.pk, period="m1", year=2019)
    assert response.status_code == 400
    assert "没有该年度的通知" in response.content.decode()


def test_leader_may_download(setup, county, leader, login):
    response = get(login(leader), jurisdiction=county.pk, period="q1")
    assert response.status_code == 200
    assert "县应急局" in docx_text(read_docx(body(response)))


def test_liaison_gets_403_anonymous_goes_to_login(setup, county, liaison_a, client, login):
    assert get(client, jurisdiction=county.pk, period="q1").status_code == 302
    assert get(login(liaison_a), jurisdiction=county.pk, period="q1").status_code == 403


def test_sibling_office_cannot_report_on_our_county(
    setup, county, sibling_county, sibling_office, login
):
    f.notice(sibling_county, year=2024)
    response = get(login(sibling_office), jurisdiction=county.pk, period="q1")
    assert response.status_code == 400
    html = response.content.decode()
    assert "所选行政区划不存在或不在您的范围内" in html
    assert "县应急局" not in html


@pytest.mark.parametrize("rows", [10, 100])
def test_bulletin_query_count_is_constant(
    setup, county, office, login, django_assert_num_queries, rows
):
    for i in range(rows):
        overdue(f.unit(county, f"通报单位{i}"), due=dt.date(2024, 2, 1))
    client = login(office)
    client.get(URL)
    with django_assert_num_queries(QUERIES_BULLETIN):
        response = get(client, jurisdiction=county.pk, period="q1")
    assert len(table_rows(read_docx(body(response)))) == rows + 3  # header + 2 fixture units


QUERIES_BULLETIN = 5
