"""The office accepts (办结) or returns (退回, with a reason) a completion request."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, Review
from tests import factories as f
from units.access import get_actor

S = Assignment.Status


def _pdf(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def request_completion(assignment, author, text="已全部完成。", name="会议纪要.pdf"):
    services.report_progress(
        assignment=assignment, author=author, text=text, percent=100,
        files=[_pdf(name)], completion=True,
    )  # fmt: skip
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def requested(county, unit_a, liaison_a):
    a = f.assignment(f.measure(j=county, text="开展专项检查。"), unit_a, due=dt.date(2024, 6, 30))
    return request_completion(a, liaison_a)


def url(assignment):
    return reverse("review_decide", args=[assignment.pk])


def post(client, assignment, decision, reason="", version=None, **extra):
    data = {"decision": decision, "reason": reason, "version": version or assignment.version}
    return client.post(url(assignment), {**data, **extra})


def status_of(assignment):
    return Assignment.objects.get(pk=assignment.pk).status


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_office_accepts_and_the_assignment_is_done(login, office, requested):
    response = post(login(office), requested, "accept")
    assert response.status_code == 302 and response["Location"] == reverse("review_queue")
    assert status_of(requested) == S.DONE
    review = Review.objects.get()
    assert review.decision == "accept" and review.reviewer == office
    assert Assignment.objects.get(pk=requested.pk).history.first().history_user == office
    assert any("已办结" in m for m in messages_of(response))


def test_office_returns_with_a_reason_and_the_assignment_goes_back_in_progress(
    login, office, requested
):
    response = post(login(office), requested, "return", reason="缺少现场照片")
    assert response.status_code == 302
    assert status_of(requested) == S.IN_PROGRESS
    assert Review.objects.get().reason == "缺少现场照片"
    assert any("已退回" in m and "缺少现场照片" in m for m in messages_of(response))


def test_return_without_reason_is_refused_in_chinese_and_changes_nothing(login, office, requested):
    response = post(login(office), requested, "return", reason="   ")
    assert response.status_code == 200
    assert "退回时必须填写退回理由" in response.content.decode()
    assert status_of(requested) == S.REQUESTED
    assert not Review.objects.exists()
    assert Assignment.objects.get(pk=requested.pk).version == requested.version


def test_unknown_decision_or_missing_version_is_refused(login, office, requested):
    client = login(office)
    response = client.post(url(requested), {"decision": "maybe", "version": requested.version})
    assert "审核结论无效" in response.content.decode()
    response = client.post(url(requested), {"decision": "accept"})
    assert "页面已过期" in response.content.decode()
    assert status_of(requested) == S.REQUESTED and not Review.objects.exists()


def test_form_page_shows_the_request_evidence_and_version(login, office, requested):
    html = login(office).get(url(requested)).content.decode()
    assert "已全部完成。" in html and "会议纪要.pdf" in html and "100%" in html
    assert f'name="version" value="{requested.version}"' in html
    assert 'value="return"' in html and 'value="accept"' in html


def test_second_office_user_is_told_it_was_already_decided(
    login, office, county, requested, client
):
    colleague = f.user("office2", role=f.ROLE_OFFICE, j=county)
    seen = requested.version
    services.review_completion(
        assignment=requested, reviewer=colleague, accept=True, expected_version=seen
    )
    response = post(login(office), requested, "return", reason="不同意", version=seen)
    assert response.status_code == 302
    assert any("已被他人处理" in m for m in messages_of(response))
    assert status_of(requested) == S.DONE
    assert list(Review.objects.values_list("reviewer__username", flat=True)) == ["office2"]
    page = client.get(response["Location"]).content.decode()
    assert "已被他人处理" in page and "当前没有待审核的办结申请" in page


def test_deciding_an_assignment_without_a_request_is_refused(login, office, county, unit_a):
    a = f.assignment(f.measure(j=county), unit_a, status=S.IN_PROGRESS)
    response = post(login(office), a, "accept")
    assert any("没有待审核的办结申请" in m for m in messages_of(response))
    assert status_of(a) == S.IN_PROGRESS and not Review.objects.exists()


def test_full_flow_return_then_accept_through_the_views(login, office, liaison_a, requested):
    client = login(office)
    post(client, requested, "return", reason="请补充会议照片")
    assert status_of(requested) == S.IN_PROGRESS
    again = request_completion(requested, liaison_a, text="已补充照片。", name="照片.pdf")
    page = client.get(url(again)).content.decode()
    assert "已补充照片。" in page and "照片.pdf" in page
    assert "请补充会议照片" in page  # the earlier return is shown in the history
    post(client, again, "accept")
    assert status_of(requested) == S.DONE
    assert list(Review.objects.order_by("id").values_list("decision", "report__text")) == [
        ("return", "已全部完成。"),
        ("accept", "已补充照片。"),
    ]
    assert "没有等待审核的办结申请" in client.get(reverse("review_queue")).content.decode()


def test_returns_to_the_page_it_came_from_but_never_offsite(
    login, office, liaison_a, requested, county, unit_a
):
    client = login(office)
    other = request_completion(f.assignment(f.measure(j=county), unit_a), liaison_a)
    response = post(client, requested, "accept", next="/assignments/1/")
    assert response["Location"] == "/assignments/1/"
    response = post(client, other, "accept", next="https://evil.example.com/")
    assert response["Location"] == reverse("review_queue")


def test_anonymous_is_sent_to_login_and_nothing_changes(client, requested):
    response = post(client, requested, "accept")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert status_of(requested) == S.REQUESTED


def test_liaison_of_another_unit_gets_404(login, liaison_b, requested):
    assert post(login(liaison_b), requested, "accept").status_code == 404
    assert status_of(requested) == S.REQUESTED


def test_the_units_own_liaison_cannot_review(login, liaison_a, requested):
    assert post(login(liaison_a), requested, "accept").status_code == 403
    assert status_of(requested) == S.REQUESTED


def test_leader_cannot_review(login, leader, requested):
    client = login(leader)
    assert post(client, requested, "accept").status_code == 403
    assert client.get(url(requested)).status_code == 403
    assert status_of(requested) == S.REQUESTED


def test_sibling_jurisdiction_office_gets_404(login, sibling_office, requested):
    client = login(sibling_office)
    assert post(client, requested, "accept").status_code == 404
    assert client.get(url(requested)).status_code == 404
    assert status_of(requested) == S.REQUESTED


def test_county_office_may_review_a_township_assignment(login, office, township_j):
    village = f.unit(township_j, "水峪贯村", kind="village")
    clerk = f.user("village_liaison", role=f.ROLE_LIAISON, j=township_j, u=village)
    a = request_completion(f.assignment(f.measure(j=township_j), village), clerk)
    post(login(office), a, "accept")
    assert status_of(a) == S.DONE


# ---- the partial on the assignment page ---------------------------------------------------------


def _partial(user, assignment):
    request = RequestFactory().get(f"/assignments/{assignment.pk}/")
    request.user = user
    return render_to_string(
        "tasks/partials/review_actions.html",
        {"assignment": assignment, "actor": get_actor(user)},
        request=request,
    )


def test_partial_offers_accept_and_return_to_the_office(office, requested):
    html = _partial(office, requested)
    assert f'action="{url(requested)}"' in html
    assert 'value="accept"' in html and 'value="return"' in html and 'name="reason"' in html
    assert f'name="version" value="{requested.version}"' in html
    assert f'name="next" value="/assignments/{requested.pk}/"' in html


def test_partial_offers_approve_and_refuse_for_a_pending_extension(
    office, liaison_a, county, unit_a
):
    a = f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30))
    ext = services.request_extension(
        assignment=a, by=liaison_a, requested_date=dt.date(2024, 9, 30), reason="汛期"
    )
    html = _partial(office, a)
    assert reverse("extension_decide", args=[ext.pk]) in html
    assert 'value="2024-09-30"' in html and 'value="approve"' in html and 'value="refuse"' in html
    assert url(a) not in html  # no completion request on this one


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_partial_shows_nothing_to_others(who, request, requested):
    html = _partial(request.getfixturevalue(who), requested)
    assert "<form" not in html
