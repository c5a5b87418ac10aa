"""督办单: issuing (numbered .docx or .zip), the list of issued ones, and downloading them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import DocumentCounter, Reminder, SupervisionNotice
from tasks.models import ProgressReport
from tests import factories as f
from tests.reports import (
    DAY,
    body,
    docx_text,
    done,
    east_asian_fonts,
    overdue,
    read_docx,
    read_zip,
    set_office,
    table_rows,
)

URL = reverse("supervision_issue")
REPLY = {"reply_by": "2024-03-08"}


@pytest.fixture
def setup(county, unit_a, unit_b, on_day):
    on_day(DAY)
    set_office(county)
    return county


def issue(client, target, **data):
    return client.post(URL, {"target": target, **REPLY, **data})


# ---- issuing one ----------------------------------------------------------------------------------


def test_office_issues_numbered_docx_listing_overdue_items(setup, unit_a, office, login):
    late = overdue(unit_a, due=dt.date(2024, 2, 1), text="开展燃气安全专项整治。")
    ProgressReport.objects.create(
        assignment=late, author=office, text="已完成排查摸底", percent=40, period_start=None
    )
    overdue(unit_a, due=dt.date(2024, 2, 20), text="组织一次应急演练。")
    overdue(unit_a, due=dt.date(2024, 3, 5), text="尚未到期的措施。")  # not overdue yet
    done(overdue(unit_a, due=dt.date(2024, 1, 10), text="已经办结的措施。"), dt.date(2024, 1, 9))

    response = issue(login(office), unit_a.pk)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    document = read_docx(body(response))
    text = docx_text(document)
    assert "交安办督〔2024〕1号" in text
    assert "县应急局：" in text
    rows = table_rows(document)
    assert rows[0] == ["序号", "工作任务", "具体措施", "完成时限", "逾期情况", "最新进展"]
    assert len(rows) == 3  # header + the two overdue ones
    assert rows[1][2] == "开展燃气安全专项整治。"
    assert rows[1][3] == "2024年2月1日"
    assert rows[1][4] == "逾期29天"
    assert rows[1][5].startswith("已完成排查摸底")
    assert rows[2][2] == "组织一次应急演练。"
    assert rows[2][4] == "逾期10天"
    assert rows[2][5] == "尚未报送进展"
    assert "尚未到期的措施" not in text and "已经办结的措施" not in text
    assert "于2024年3月8日前将办理情况书面报送交城县安全生产委员会办公室" in text
    assert document.paragraphs[-1].text == "2024年3月1日"
    assert document.paragraphs[-2].text == "交城县安全生产委员会办公室"


def test_issuing_records_the_notice_a_reminder_per_item_and_the_file(setup, unit_a, office, login):
    a1, a2 = overdue(unit_a), overdue(unit_a, text="另一项")
    issue(login(office), unit_a.pk)

    notice = SupervisionNotice.objects.get()
    assert (notice.number, notice.year, notice.doc_number) == (1, 2024, "交安办督〔2024〕1号")
    assert notice.unit == unit_a and notice.issued_by == office
    assert notice.reply_by == dt.date(2024, 3, 8)
    reminders = Reminder.objects.filter(supervision=notice)
    assert {r.assignment_id for r in reminders} == {a1.pk, a2.pk}
    assert {(r.kind, r.reason) for r in reminders} == {("supervision", "overdue")}
    with notice.file.open("rb") as stored:
        assert "交安办督〔2024〕1号" in docx_text(read_docx(stored.read()))


def test_docx_is_laid_out_as_an_official_document(setup, unit_a, office, login):
    overdue(unit_a)
    document = read_docx(body(issue(login(office), unit_a.pk)))
    section = document.sections[0]
    mm = [
        round(x.mm)
        for x in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    fonts = east_asian_fonts(document)
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= fonts
    title_run = document.paragraphs[0].runs[0]
    assert title_run.font.size.pt == 22
    body_paragraph = next(p for p in document.paragraphs if p.text.startswith("经梳理"))
    assert body_paragraph.runs[0].font.size.pt == 16


def test_numbers_follow_on_and_restart_each_year(setup, unit_a, unit_b, office, login, on_day):
    overdue(unit_a)
    overdue(unit_b)
    client = login(office)
    issue(client, unit_a.pk)
    issue(client, unit_b.pk)
    on_day(dt.date(2025, 1, 3))
    response = issue(client, unit_a.pk, reply_by="2025-01-10")
    assert "交安办督〔2025〕1号" in docx_text(read_docx(body(response)))
    assert list(
        SupervisionNotice.objects.order_by("issued_at").values_list("doc_number", flat=True)
    ) == [
        "交安办督〔2024〕1号",
        "交安办督〔2024〕2号",
        "交安办督〔2025〕1号",
    ]


def test_recurring_measure_with_missed_period_is_listed(setup, unit_a, office, login):
    m = f.measure(j=unit_a.jurisdiction, text="每月至少召开一次会议。", recurrence="monthly")
    f.assignment(m, unit_a, start=dt.date(2024, 1, 5))
    rows = table_rows(read_docx(body(issue(login(office), unit_a.pk))))
    assert rows[1][2] == "每月至少召开一次会议。"
    assert rows[1][4] == "漏报2期（2024年1月、2024年2月）"
    assert Reminder.objects.get().reason == "period_missed"


# ---- issuing to every unit ------------------------------------------------------------------------


def test_all_units_gives_a_zip_with_one_numbered_docx_each(setup, unit_a, unit_b, office, login):
    overdue(unit_a)
    overdue(unit_b, text="水峪贯镇的措施。")
    f.unit(unit_a.jurisdiction, "县住建局")  # nothing overdue: no 督办单

    response = issue(login(office), "all")

    assert response["Content-Type"] == "application/zip"
    files = read_zip(body(response))
    assert len(files) == 2
    texts = {name: docx_text(read_docx(content)) for name, content in files.items()}
    by_unit = {("县应急局" if "县应急局：" in t else "水峪贯镇"): t for t in texts.values()}
    assert "交安办督〔2024〕1号" in by_unit["县应急局"]
    assert "交安办督〔2024〕2号" in by_unit["水峪贯镇"]
    assert "水峪贯镇的措施。" in by_unit["水峪贯镇"]
    assert "县住建局" not in "".join(texts.values())
    assert SupervisionNotice.objects.count() == 2
    assert Reminder.objects.count() == 2


# ---- the form and bad input -----------------------------------------------------------------------


def test_form_lists_units_with_overdue_items_and_defaults_reply_date(setup, unit_a, office, login):
    overdue(unit_a)
    overdue(unit_a, text="另一项")
    response = login(office).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "县应急局（逾期2项）" in html
    assert "水峪贯镇（逾期" not in html
    assert 'value="2024-03-08"' in html


def test_unit_without_overdue_items_cannot_be_chosen(setup, unit_a, unit_b, office, login):
    overdue(unit_a)
    response = issue(login(office), unit_b.pk)
    assert response.status_code == 400
    assert "所选单位不在可督办的范围内" in response.content.decode()
    assert not SupervisionNotice.objects.exists()


@pytest.mark.parametrize(
    ("reply_by", "message"),
    [("2024-03-01", "回复期限必须晚于今天"), ("2024-13-40", "请按"), ("", "请填写回复期限")],
)
def test_bad_reply_date_issues_nothing_and_takes_no_number(
    setup, unit_a, office, login, reply_by, message
):
    overdue(unit_a)
    response = issue(login(office), unit_a.pk, reply_by=reply_by)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupervisionNotice.objects.exists()
    assert not Reminder.objects.exists()
    # a later issue is still number 1: no gap
    issue(login(office), unit_a.pk)
    assert SupervisionNotice.objects.get().number == 1


def test_missing_document_prefix_is_explained(setup, county, unit_a, office, login):
    county.document_prefix = ""
    county.save()
    overdue(unit_a)
    response = issue(login(office), unit_a.pk)
    assert response.status_code == 400
    assert "尚未设置督办单文号前缀" in response.content.decode()
    assert not SupervisionNotice.objects.exists()
    assert not DocumentCounter.objects.filter(last__gt=0).exists()


# ---- who may issue --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(setup, client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_leader_cannot_issue(setup, unit_a, leader, login):
    overdue(unit_a)
    client = login(leader)
    assert client.get(URL).status_code == 403
    assert issue(client, unit_a.pk).status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_liaison_cannot_issue(setup, unit_a, liaison_a, login):
    overdue(unit_a)
    assert issue(login(liaison_a), unit_a.pk).status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_sibling_office_cannot_supervise_another_countys_unit(
    setup, unit_a, sibling_office, sibling_county, login
):
    set_office(sibling_county, name="文水县安全生产委员会办公室", prefix="文安办督")
    overdue(unit_a)
    client = login(sibling_office)
    assert "县应急局" not in client.get(URL).content.decode()
    response = issue(client, unit_a.pk)
    assert response.status_code == 400
    assert not SupervisionNotice.objects.exists()


def test_township_office_numbers_its_own_series(
    setup, township_j, township_office, office, unit_a, login
):
    set_office(township_j, name="水峪贯镇安全生产委员会办公室", prefix="水安办督")
    village = f.unit(township_j, "东社村", kind="village")
    overdue(village, j=township_j)
    overdue(unit_a)
    issue(login(office), unit_a.pk)
    response = issue(login(township_office), village.pk)
    text = docx_text(read_docx(body(response)))
    assert "水安办督〔2024〕1号" in text and "东社村：" in text
    assert "水峪贯镇安全生产委员会办公室" in text


# ---- the list and the downloads -------------------------------------------------------------------


def _issued(count: int, county, office) -> None:
    from reports import services

    for i in range(count):
        unit = f.unit(county, f"列表单位{i}")
        overdue(unit)
        services.issue_supervision(
            jurisdiction=county,
            unit=unit,
            assignments=unit.assignments.all(),
            by=office,
            reply_by=dt.date(2024, 3, 8),
            today=DAY,
        )


def test_list_shows_issued_notices_with_download(setup, county, office, login):
    _issued(2, county, office)
    html = login(office).get(reverse("supervision_list")).content.decode()
    assert "交安办督〔2024〕1号" in html and "交安办督〔2024〕2号" in html
    assert "列表单位0" in html and "1项" in html
    notice = SupervisionNotice.objects.get(number=2)
    assert reverse("supervision_file", args=[notice.pk]) in html


def test_list_filters_by_unit_name(setup, county, office, login):
    _issued(2, county, office)
    html = login(office).get(reverse("supervision_list"), {"q": "列表单位1"}).content.decode()
    assert "交安办督〔2024〕2号" in html and "交安办督〔2024〕1号" not in html


def test_list_bad_filter_is_explained(setup, county, office, login):
    _issued(1, county, office)
    response = login(office).get(reverse("supervision_list"), {"year": "abc"})
    assert "查询条件有误" in response.content.decode()


def test_leader_sees_list_and_downloads_but_sees_no_issue_button(
    setup, county, office, leader, login
):
    _issued(1, county, office)
    client = login(leader)
    html = client.get(reverse("supervision_list")).content.decode()
    assert "交安办督〔2024〕1号" in html
    assert reverse("supervision_issue") not in html
    notice = SupervisionNotice.objects.get()
    response = client.get(reverse("supervision_file", args=[notice.pk]))
    assert response.status_code == 200
    assert "列表单位0：" in docx_text(read_docx(body(response)))


def test_sibling_office_cannot_see_or_download(setup, county, office, sibling_office, login):
    _issued(1, county, office)
    client = login(sibling_office)
    assert "交安办督" not in client.get(reverse("supervision_list")).content.decode()
    notice = SupervisionNotice.objects.get()
    assert client.get(reverse("supervision_file", args=[notice.pk])).status_code == 404


def test_liaison_and_anonymous_cannot_open_the_list(
    setup, county, office, liaison_a, client, login
):
    _issued(1, county, office)
    notice = SupervisionNotice.objects.get()
    assert client.get(reverse("supervision_list")).status_code == 302
    assert client.get(reverse("supervision_file", args=[notice.pk])).status_code == 302
    liaison = login(liaison_a)
    assert liaison.get(reverse("supervision_list")).status_code == 403
    assert liaison.get(reverse("supervision_file", args=[notice.pk])).status_code == 403


@pytest.mark.parametrize("rows", [10, 100])
def test_list_query_count_is_constant(
    setup, county, office, login, django_assert_num_queries, rows
):
    _issued(rows, county, office)
    client = login(office)
    client.get(reverse("supervision_list"))  # warm the session
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(reverse("supervision_list"))
    assert response.content.decode().count("下载 Word") == min(rows, 50)


QUERIES_LIST = 5


@pytest.mark.parametrize("rows", [10, 100])
def test_issue_form_query_count_is_constant(
    setup, county, office, login, django_assert_num_queries, rows
):
    for i in range(rows):
        overdue(f.unit(county, f"逾期单位{i}"))
    client = login(office)
    client.get(URL)
    with django_assert_num_queries(QUERIES_FORM):
        html = client.get(URL).content.decode()
    assert f"全部有逾期任务的单位（{rows}个单位，共{rows}项）" in html


QUERIES_FORM = 4


def test_withdrawn_measures_are_not_supervised(setup, unit_a, office, login):
    kept = overdue(unit_a, text="仍然有效的措施。")
    gone = overdue(unit_a, text="通知修订后撤销的措施。")
    gone.measure.withdrawn = True
    gone.measure.save()
    rows = table_rows(read_docx(body(issue(login(office), unit_a.pk))))
    assert [r[2] for r in rows[1:]] == ["仍然有效的措施。"]
    assert list(Reminder.objects.values_list("assignment_id", flat=True)) == [kept.pk]


def test_latest_progress_shows_its_date_and_percent(setup, unit_a, office, login):
    a = overdue(unit_a)
    for text, percent, day in (("先报的", 20, 10), ("后报的", 60, 20)):
        moment = timezone.make_aware(dt.datetime(2024, 2, day, 23, 30))  # late in the evening
        ProgressReport.objects.create(
            assignment=a, author=office, text=text, percent=percent, created_at=moment
        )
    rows = table_rows(read_docx(body(issue(login(office), unit_a.pk))))
    assert rows[1][5] == "后报的（2024年2月20日报送，进度60%）"


def test_after_issuing_the_next_page_confirms_the_number(setup, unit_a, unit_b, office, login):
    overdue(unit_a)
    overdue(unit_b)
    client = login(office)
    issue(client, "all")
    html = client.get(reverse("supervision_list")).content.decode()
    assert "已签发督办单交安办督〔2024〕1-2号（2份）" in html
