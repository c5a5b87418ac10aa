"""The office approves an extension with a new date, or refuses it with a note."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, ExtensionRequest
from tests import factories as f

DUE = dt.date(2024, 6, 30)
ASKED = dt.date(2024, 8, 31)


@pytest.fixture
def extension(county, unit_a, liaison_a):
    a = f.assignment(f.measure(j=county, text="完成隐患整改。"), unit_a, due=DUE)
    return services.request_extension(
        assignment=a, by=liaison_a, requested_date=ASKED, reason="汛期施工受阻"
    )


def url(ext):
    return reverse("extension_decide", args=[ext.pk])


def fresh(ext):
    ext = ExtensionRequest.objects.get(pk=ext.pk)
    return ext, Assignment.objects.get(pk=ext.assignment_id)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_form_shows_the_dates_and_defaults_to_the_requested_one(login, office, extension):
    response = login(office).get(url(extension))
    assert response.status_code == 200
    html = response.content.decode()
    assert "完成隐患整改。" in html and "汛期施工受阻" in html
    assert "2024年6月30日" in html and "2024年8月31日" in html
    assert 'name="new_date" value="2024-08-31"' in html


def test_approve_with_the_requested_date_keeps_the_original(login, office, extension):
    response = login(office).post(url(extension), {"decision": "approve", "new_date": "2024-08-31"})
    assert response.status_code == 302 and response["Location"] == reverse("review_queue")
    ext, a = fresh(extension)
    assert ext.status == "approved" and ext.approved_date == ASKED and ext.decided_by == office
    assert a.due_date == ASKED and a.original_due_date == DUE
    assert any("已批准" in m and "2024年8月31日" in m for m in messages_of(response))


def test_approve_with_a_changed_date(login, office, extension):
    login(office).post(
        url(extension), {"decision": "approve", "new_date": "2024-07-31", "note": "只批准一个月"}
    )
    ext, a = fresh(extension)
    assert ext.approved_date == dt.date(2024, 7, 31) and ext.decision_note == "只批准一个月"
    assert a.due_date == dt.date(2024, 7, 31) and a.original_due_date == DUE


def test_original_date_survives_a_second_extension(login, office, liaison_a, extension):
    client = login(office)
    client.post(url(extension), {"decision": "approve", "new_date": "2024-08-31"})
    second = services.request_extension(
        assignment=extension.assignment, by=liaison_a, requested_date=dt.date(2024, 10, 31),
        reason="设备未到货",
    )  # fmt: skip
    html = client.get(url(second)).content.decode()
    assert "2024年6月30日" in html  # original, for assessment
    client.post(url(second), {"decision": "approve", "new_date": "2024-10-31"})
    _, a = fresh(second)
    assert a.due_date == dt.date(2024, 10, 31) and a.original_due_date == DUE


def test_approve_with_a_date_not_after_the_current_one_is_refused(login, office, extension):
    response = login(office).post(url(extension), {"decision": "approve", "new_date": "2024-06-30"})
    assert response.status_code == 200
    assert "必须晚于当前完成时限（2024年6月30日）" in response.content.decode()
    ext, a = fresh(extension)
    assert ext.status == "pending" and a.due_date == DUE


@pytest.mark.parametrize(
    ("date", "message"), [("", "须填写新的完成时限"), ("2024-13-45", "请输入有效的日期")]
)
def test_approve_without_a_valid_date_is_refused(login, office, extension, date, message):
    response = login(office).post(url(extension), {"decision": "approve", "new_date": date})
    assert message in response.content.decode()
    assert fresh(extension)[0].status == "pending"


def test_refuse_with_a_note(login, office, extension):
    response = login(office).post(url(extension), {"decision": "refuse", "note": "理由不充分"})
    assert response.status_code == 302
    ext, a = fresh(extension)
    assert ext.status == "refused" and ext.decision_note == "理由不充分"
    assert ext.approved_date is None and a.due_date == DUE
    assert any("不批准" in m for m in messages_of(response))


def test_refuse_without_a_note_is_refused(login, office, extension):
    response = login(office).post(url(extension), {"decision": "refuse", "note": " "})
    assert "不批准时必须填写审批意见" in response.content.decode()
    assert fresh(extension)[0].status == "pending"


def test_unknown_decision_is_refused(login, office, extension):
    response = login(office).post(url(extension), {"decision": "later", "new_date": "2024-08-31"})
    assert "审批结论无效" in response.content.decode()
    assert fresh(extension)[0].status == "pending"


def test_second_decision_is_refused_in_chinese(login, office, county, extension):
    colleague = f.user("office2", role=f.ROLE_OFFICE, j=county)
    services.decide_extension(extension=extension, by=colleague, approve=False, note="不予延期")
    response = login(office).post(url(extension), {"decision": "approve", "new_date": "2024-08-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "该延期申请已处理过" in html and "该申请已处理" in html
    ext, a = fresh(extension)
    assert ext.status == "refused" and ext.decided_by == colleague and a.due_date == DUE


def test_decided_request_shows_the_decision_and_no_form(login, office, extension):
    client = login(office)
    client.post(url(extension), {"decision": "refuse", "note": "理由不充分"})
    html = client.get(url(extension)).content.decode()
    assert "未批准" in html and "理由不充分" in html
    assert 'name="decision"' not in html


def test_returns_to_the_page_it_came_from(login, office, extension):
    response = login(office).post(
        url(extension), {"decision": "refuse", "note": "不予延期", "next": "/assignments/7/"}
    )
    assert response["Location"] == "/assignments/7/"


def test_anonymous_is_sent_to_login_and_nothing_changes(client, extension):
    response = client.post(url(extension), {"decision": "approve", "new_date": "2024-08-31"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert fresh(extension)[0].status == "pending"


def test_liaison_of_another_unit_gets_404(login, liaison_b, extension):
    response = login(liaison_b).post(url(extension), {"decision": "approve"})
    assert response.status_code == 404
    assert fresh(extension)[0].status == "pending"


def test_the_requesting_liaison_cannot_decide(login, liaison_a, extension):
    client = login(liaison_a)
    assert client.post(url(extension), {"decision": "approve"}).status_code == 403
    assert client.get(url(extension)).status_code == 403
    assert fresh(extension)[0].status == "pending"


def test_leader_cannot_decide(login, leader, extension):
    response = login(leader).post(url(extension), {"decision": "approve", "new_date": "2024-08-31"})
    assert response.status_code == 403
    assert fresh(extension)[0].status == "pending"


def test_sibling_jurisdiction_office_gets_404(login, sibling_office, extension):
    client = login(sibling_office)
    assert client.get(url(extension)).status_code == 404
    response = client.post(url(extension), {"decision": "approve", "new_date": "2024-08-31"})
    assert response.status_code == 404
    assert fresh(extension)[0].status == "pending"


def test_township_office_cannot_decide_a_county_request(login, township_office, extension):
    assert login(township_office).get(url(extension)).status_code == 404
