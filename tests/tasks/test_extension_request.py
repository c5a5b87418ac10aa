"""申请延期: the liaison asks for a later date with a reason; the office decides elsewhere."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, ExtensionRequest
from tests import factories as f

D = dt.date
TODAY = D(2024, 6, 10)


@pytest.fixture(autouse=True)
def _today(on_day):
    on_day(TODAY)


@pytest.fixture
def assignment(county, unit_a):
    m = f.measure(j=county, text="完成危化品企业全覆盖检查。", due=D(2024, 6, 30))
    return f.assignment(m, unit_a, due=D(2024, 6, 30))


def _url(a):
    return reverse("extension_create", args=[a.pk])


def _post(client, a, **data):
    payload = {"requested_date": "2024-08-31", "reason": "汛期道路中断，检查无法按期完成。"}
    payload.update(data)
    return client.post(_url(a), payload)


def _unchanged(a):
    a.refresh_from_db()
    return not ExtensionRequest.objects.exists() and a.due_date == D(2024, 6, 30)


def test_form_page_shows_the_current_date(login, liaison_a, assignment):
    response = login(liaison_a).get(_url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "当前完成时限" in body and "2024年6月30日" in body
    assert 'type="date"' in body


def test_liaison_requests_an_extension(login, liaison_a, assignment):
    client = login(liaison_a)
    response = _post(client, assignment)
    assert response.status_code == 302
    assert response.url == reverse("assignment_detail", args=[assignment.pk])
    ext = ExtensionRequest.objects.get()
    assert ext.requested_by == liaison_a and ext.requested_date == D(2024, 8, 31)
    assert ext.status == ExtensionRequest.Status.PENDING
    assignment.refresh_from_db()
    assert assignment.due_date == D(2024, 6, 30)  # unchanged until the office approves
    page = client.get(response.url).content.decode()
    assert "延期申请已提交" in page and "待审批" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requested_date": "2024-06-30"}, "必须晚于当前完成时限（2024年6月30日）"),
        ({"requested_date": "2024-05-01"}, "必须晚于当前完成时限"),
        ({"requested_date": "明天"}, "日期格式不正确"),
        ({"requested_date": ""}, "请填写申请延至的日期"),
        ({"reason": "   "}, "请填写延期理由"),
    ],
)
def test_bad_input_changes_nothing(login, liaison_a, assignment, data, message):
    response = _post(login(liaison_a), assignment, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _unchanged(assignment)


def test_without_due_date_the_new_date_must_be_after_today(login, liaison_a, county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a)
    response = _post(login(liaison_a), a, requested_date="2024-06-10")
    assert "必须晚于今天" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_second_pending_request_is_refused(login, liaison_a, assignment):
    services.request_extension(
        assignment=assignment, by=liaison_a, requested_date=D(2024, 7, 31), reason="第一次"
    )
    client = login(liaison_a)
    assert "已有一份待审批的延期申请" in client.get(_url(assignment)).content.decode()
    response = _post(client, assignment)
    assert response.status_code == 200
    assert "已有一份待审批的延期申请" in response.content.decode()
    assert ExtensionRequest.objects.count() == 1


def test_done_assignment_needs_no_extension(login, liaison_a, assignment):
    assignment.status = Assignment.Status.DONE
    assignment.save()
    client = login(liaison_a)
    assert client.get(_url(assignment)).status_code == 302
    response = _post(client, assignment)
    assert "该任务已办结，无需延期" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_other_units_liaison_gets_404(login, liaison_b, assignment):
    client = login(liaison_b)
    assert client.get(_url(assignment)).status_code == 404
    assert _post(client, assignment).status_code == 404
    assert _unchanged(assignment)


@pytest.mark.parametrize("user", ["leader", "office"])
def test_leader_and_office_cannot_request(login, request, user, assignment):
    client = login(request.getfixturevalue(user))
    assert _post(client, assignment).status_code == 403
    assert _unchanged(assignment)


def test_sibling_office_gets_404(login, sibling_office, assignment):
    assert _post(login(sibling_office), assignment).status_code == 404
    assert _unchanged(assignment)


def test_anonymous_is_sent_to_login(client, assignment):
    response = _post(client, assignment)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert _unchanged(assignment)
