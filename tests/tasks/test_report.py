"""报送进展: the liaison adds a report (never edits one), with evidence and, for recurring
measures, the period it reports for."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks import periods, services
from tasks.models import Assignment, Evidence, ProgressReport
from tests import factories as f

D = dt.date
S = Assignment.Status
TODAY = D(2024, 6, 10)
PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n0000"


@pytest.fixture(autouse=True)
def _today(on_day):
    on_day(TODAY)


@pytest.fixture
def assignment(county, unit_a):
    m = f.measure(j=county, text="开展危化品专项整治。", due=D(2024, 6, 30))
    return f.assignment(m, unit_a, due=D(2024, 6, 30), start=D(2024, 3, 1))


@pytest.fixture
def monthly(county, unit_a):
    m = f.measure(j=county, text="每月至少召开一次会议。", recurrence="monthly")
    a = f.assignment(m, unit_a, due=D(2024, 12, 31), start=D(2024, 3, 15))
    ProgressReport.objects.create(
        assignment=a, author=f.user("old", role=f.ROLE_LIAISON, j=a.unit.jurisdiction, u=a.unit),
        text="四月会议", percent=30, period_index=_month(4),
    )  # fmt: skip
    return a


def _month(m: int) -> int:
    return periods.period_index(D(2024, m, 1), "monthly")


def _url(a):
    return reverse("report_create", args=[a.pk])


def _file(name="会议纪要.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def _post(client, a, **data):
    payload = {"text": "已召开专题会议，部署整治工作。", "percent": "40", "version": a.version}
    payload.update(data)
    return client.post(_url(a), payload)


def _unchanged(a):
    a.refresh_from_db()
    return (
        not a.reports.exists()
        and not Evidence.objects.exists()
        and a.version == 1
        and a.status == S.NOT_STARTED
    )


def test_form_page_shows_the_measure_and_the_rule(login, liaison_a, assignment):
    response = login(liaison_a).get(_url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "开展危化品专项整治" in body
    assert 'type="file"' in body and "multiple" in body
    assert 'enctype="multipart/form-data"' in body
    assert "报送一经提交不能修改" in body and "更正" in body
    assert 'name="period"' not in body  # a one-off measure has no period


def test_liaison_reports_with_several_files(login, liaison_a, assignment):
    client = login(liaison_a)
    response = _post(client, assignment, files=[_file(), _file("现场照片.png", PNG)])
    assert response.status_code == 302
    assert response.url == reverse("assignment_detail", args=[assignment.pk])
    report = assignment.reports.get()
    assert report.author == liaison_a and report.percent == 40
    assert report.kind == ProgressReport.Kind.PROGRESS
    assert sorted(e.original_name for e in report.evidence.all()) == [
        "会议纪要.pdf",
        "现场照片.png",
    ]
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS and assignment.latest_percent == 40
    assert "进展已报送" in client.get(response.url).content.decode()


def test_a_second_report_is_added_not_overwritten(login, liaison_a, assignment):
    client = login(liaison_a)
    _post(client, assignment, text="第一次", percent="40")
    assignment.refresh_from_db()
    _post(client, assignment, text="更正：实际为百分之三十", percent="30")
    assert list(assignment.reports.values_list("text", flat=True)) == [
        "更正：实际为百分之三十",
        "第一次",
    ]


def test_completion_request_with_evidence(login, liaison_a, assignment):
    response = _post(login(liaison_a), assignment, percent="100", completion="on", files=[_file()])
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.REQUESTED
    assert assignment.reports.get().kind == ProgressReport.Kind.COMPLETION


def test_completion_request_without_evidence_changes_nothing(login, liaison_a, assignment):
    response = _post(login(liaison_a), assignment, percent="100", completion="on")
    assert response.status_code == 200
    assert "申请办结须上传佐证材料" in response.content.decode()
    assert _unchanged(assignment)


@pytest.mark.parametrize("bad", ["101", "-1", "abc", ""])
def test_bad_percent_changes_nothing(login, liaison_a, assignment, bad):
    response = _post(login(liaison_a), assignment, percent=bad, files=[_file()])
    assert response.status_code == 200
    body = response.content.decode()
    assert "完成进度" in body and ("0 到 100" in body)
    assert "已召开专题会议" in body  # what was typed is kept
    assert _unchanged(assignment)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("程序.exe", b"MZ\x90\x00", "类型不被接受"),
        ("照片.jpg", b"not an image at all", "内容与其扩展名不符"),
    ],
)
def test_wrong_file_type_changes_nothing(login, liaison_a, assignment, name, content, message):
    response = _post(login(liaison_a), assignment, files=[_file(), _file(name, content)])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _unchanged(assignment)


def test_empty_text_changes_nothing(login, liaison_a, assignment):
    response = _post(login(liaison_a), assignment, text="   ")
    assert response.status_code == 200
    assert "请填写进展情况" in response.content.decode()
    assert _unchanged(assignment)


def test_conflict_keeps_what_was_typed(login, liaison_a, office, assignment):
    client = login(liaison_a)
    page = client.get(_url(assignment)).content.decode()
    loaded = re.search(r'name="version" value="(\d+)"', page).group(1)
    # Meanwhile, in another window, the same unit sends a report: the version moves on.
    services.report_progress(assignment=assignment, author=liaison_a, text="另一窗口", percent=10)
    typed = "本月完成了十二家企业的现场检查，整改隐患三十项。"
    response = client.post(_url(assignment), {"text": typed, "percent": "55", "version": loaded})
    assert response.status_code == 200
    body = response.content.decode()
    assert "该任务刚刚已被他人处理" in body
    assert typed in body and 'value="55"' in body
    assert list(assignment.reports.values_list("text", flat=True)) == ["另一窗口"]
    # The page now carries the current version, so a deliberate second submit goes through.
    assert re.search(r'name="version" value="2"', body)
    again = client.post(_url(assignment), {"text": typed, "percent": "55", "version": "2"})
    assert again.status_code == 302 and assignment.reports.count() == 2


def test_monthly_measure_offers_current_and_missed_periods(login, liaison_a, monthly):
    response = login(liaison_a).get(_url(monthly))
    field = response.context["form"].fields["period"]
    assert [label for _, label in field.choices] == [
        "2024年6月（本期）",
        "2024年5月（未报送，补报）",
        "2024年3月（未报送，补报）",
    ]
    assert response.context["form"]["period"].value() == _month(6)


def test_monthly_report_defaults_to_current_period(login, liaison_a, monthly):
    response = _post(login(liaison_a), monthly, period=str(_month(6)))
    assert response.status_code == 302
    report = monthly.reports.order_by("-id").first()
    assert report.period_index == _month(6) and report.period_start == D(2024, 6, 1)


def test_a_missed_month_can_be_reported_late(login, liaison_a, monthly):
    _post(login(liaison_a), monthly, period=str(_month(3)))
    assert [p.label for p in monthly.missed_periods_list(TODAY)] == ["2024年5月"]


@pytest.mark.parametrize("month", [4, 7])
def test_a_period_not_offered_is_refused(login, liaison_a, monthly, month):
    response = _post(login(liaison_a), monthly, period=str(_month(month)))
    assert response.status_code == 200
    assert "请选择本期或未报送的周期" in response.content.decode()
    assert monthly.reports.count() == 1


def test_requested_assignment_sends_the_liaison_back(login, liaison_a, assignment):
    assignment.status = S.REQUESTED
    assignment.save()
    response = login(liaison_a).get(_url(assignment))
    assert response.status_code == 302
    assert response.url == reverse("assignment_detail", args=[assignment.pk])


def test_done_assignment_refuses_a_post(login, liaison_a, assignment):
    assignment.status = S.DONE
    assignment.save()
    response = _post(login(liaison_a), assignment)
    assert response.status_code == 200
    assert "该任务已办结" in response.content.decode()
    assert not assignment.reports.exists()


def test_other_units_liaison_gets_404(login, liaison_b, assignment):
    client = login(liaison_b)
    assert client.get(_url(assignment)).status_code == 404
    assert _post(client, assignment).status_code == 404
    assert _unchanged(assignment)


@pytest.mark.parametrize("user", ["leader", "office", "it_admin"])
def test_leader_and_office_may_not_report_for_a_unit(login, request, user, assignment):
    client = login(request.getfixturevalue(user))
    assert client.get(_url(assignment)).status_code == 403
    assert _post(client, assignment, files=[_file()]).status_code == 403
    assert _unchanged(assignment)


@pytest.mark.parametrize("user", ["sibling_office", "township_office"])
def test_other_jurisdictions_office_gets_404(login, request, user, assignment):
    assert _post(login(request.getfixturevalue(user)), assignment).status_code == 404
    assert _unchanged(assignment)


def test_anonymous_is_sent_to_login(client, assignment):
    response = _post(client, assignment)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert _unchanged(assignment)
