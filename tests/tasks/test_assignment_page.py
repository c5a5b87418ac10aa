"""The assignment page: the measure, the unit's reports, reviews, extensions and history."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, ProgressReport
from tests import factories as f

D = dt.date
TODAY = D(2024, 6, 10)
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def _today(on_day):
    on_day(TODAY)


@pytest.fixture
def assignment(county, unit_a):
    m = f.measure(j=county, text="组织开展危险化学品安全专项整治。", due=D(2024, 6, 30))
    return f.assignment(m, unit_a, due=D(2024, 6, 30), role=Assignment.Role.LEAD)


def _url(a):
    return reverse("assignment_detail", args=[a.pk])


def _pdf(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_liaison_sees_the_measure_and_unit(login, liaison_a, assignment):
    response = login(liaison_a).get(_url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "组织开展危险化学品安全专项整治" in body
    assert "县应急局" in body and "牵头" in body
    assert "2024年6月30日" in body and "未启动" in body
    assert reverse("report_create", args=[assignment.pk]) in body


def test_reports_newest_first_with_author_percent_and_evidence(login, liaison_a, assignment):
    services.report_progress(
        assignment=assignment, author=liaison_a, text="第一次：已部署", percent=20
    )
    services.report_progress(
        assignment=assignment, author=liaison_a, text="第二次：已完成检查", percent=100,
        files=[_pdf()], completion=True,
    )  # fmt: skip
    body = login(liaison_a).get(_url(assignment)).content.decode()
    assert body.index("第二次：已完成检查") < body.index("第一次：已部署")
    assert "申请办结" in body and "100%" in body and "liaison_a" in body
    evidence = ProgressReport.objects.get(percent=100).evidence.get()
    assert reverse("evidence_download", args=[evidence.pk]) in body
    assert "会议纪要.pdf" in body
    assert evidence.file.url not in body  # never a public /media/ link


def test_reports_are_not_editable_and_the_page_says_so(login, liaison_a, assignment):
    services.report_progress(assignment=assignment, author=liaison_a, text="已部署", percent=20)
    body = login(liaison_a).get(_url(assignment)).content.decode()
    assert "如需更正，请再报送一次" in body
    assert "/edit" not in body and "修改报送" not in body


def test_review_return_with_reason_is_shown(login, liaison_a, office, assignment):
    services.report_progress(
        assignment=assignment, author=liaison_a, text="完成", percent=100,
        files=[_pdf()], completion=True,
    )  # fmt: skip
    services.review_completion(
        assignment=assignment, reviewer=office, accept=False, reason="缺少现场照片"
    )
    body = login(liaison_a).get(_url(assignment)).content.decode()
    assert "退回" in body and "缺少现场照片" in body


def test_extension_and_its_outcome_with_original_date(login, liaison_a, office, assignment):
    ext = services.request_extension(
        assignment=assignment, by=liaison_a, requested_date=D(2024, 8, 31), reason="汛期施工受阻"
    )
    services.decide_extension(extension=ext, by=office, approve=True, note="同意")
    body = login(liaison_a).get(_url(assignment)).content.decode()
    assert "汛期施工受阻" in body and "已批准" in body and "批准延至2024年8月31日" in body
    assert "原定2024年6月30日，已延期" in body


def test_history_shows_who_when_and_what_changed(login, liaison_a, office, assignment):
    services.report_progress(assignment=assignment, author=liaison_a, text="已部署", percent=20)
    response = login(office).get(_url(assignment))
    rows = response.context["history"]
    newest = rows[0]
    assert newest["record"].history_user == liaison_a
    assert ("状态", "未启动", "推进中") in newest["changes"]
    assert ("最新进度（%）", "0%", "20%") in newest["changes"]
    assert "未启动 → 推进中" in response.content.decode()


def test_office_actions_partial_is_included(login, office, assignment):
    response = login(office).get(_url(assignment))
    assert "tasks/partials/review_actions.html" in [t.name for t in response.templates]


def test_missed_period_turns_the_light_red(login, liaison_a, county, unit_a):
    m = f.measure(j=county, recurrence="monthly")
    a = f.assignment(m, unit_a, due=D(2024, 12, 31), start=D(2024, 5, 2))
    response = login(liaison_a).get(_url(a))
    assert response.context["light"] == "red"
    assert "漏报 1 期：2024年5月" in response.content.decode()


@pytest.mark.parametrize("user", ["office", "leader", "it_admin"])
def test_office_and_leaders_of_the_jurisdiction_see_it(login, request, user, assignment):
    response = login(request.getfixturevalue(user)).get(_url(assignment))
    assert response.status_code == 200
    assert reverse("report_create", args=[assignment.pk]) not in response.content.decode()


def test_county_office_sees_a_townships_assignment(login, office, township_j):
    unit = f.unit(township_j, "某村")
    a = f.assignment(f.measure(j=township_j), unit)
    assert login(office).get(_url(a)).status_code == 200


@pytest.mark.parametrize("user", ["liaison_b", "sibling_office", "township_office"])
def test_others_get_404(login, request, user, assignment):
    response = login(request.getfixturevalue(user)).get(_url(assignment))
    assert response.status_code == 404
    assert "危险化学品" not in response.content.decode()


def test_anonymous_is_sent_to_login(client, assignment):
    response = client.get(_url(assignment))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_page_takes_no_writes(login, leader, liaison_a, assignment):
    for user in (leader, liaison_a):
        assert login(user).post(_url(assignment), {"status": "done"}).status_code == 405
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.NOT_STARTED and assignment.version == 1


def test_unknown_assignment_is_404(login, liaison_a, db):
    assert login(liaison_a).get(reverse("assignment_detail", args=[999999])).status_code == 404


def test_queries_do_not_grow_with_reports(login, liaison_a, office, assignment):
    def count():
        client = login(office)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(assignment)).status_code == 200
        return len(ctx.captured_queries)

    services.report_progress(
        assignment=assignment, author=liaison_a, text="一", percent=10, files=[_pdf()]
    )
    few = count()
    for i in range(8):
        services.report_progress(
            assignment=assignment, author=liaison_a, text=f"第{i}次", percent=20 + i,
            files=[_pdf(), _pdf("照片.pdf")],
        )  # fmt: skip
    assert count() == few
