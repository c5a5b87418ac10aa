"""提醒: the reminder list, who sees which reminders, read marks, and the count in the nav."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from reports.models import Reminder
from tests import factories as f
from units.access import get_actor
from units.context_processors import reminders

URL = reverse("reminder_list")
K, W = Reminder.Kind, Reminder.Reason


def _at(day, hour=8):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def data(county, sibling_county, unit_a, unit_b):
    n = f.notice(county)
    a = f.assignment(f.measure(n, text="开展危化品专项检查"), unit_a, due=dt.date(2024, 5, 1))
    b = f.assignment(f.measure(n, text="每月召开安全例会"), unit_b, due=dt.date(2024, 5, 1))
    other = f.unit(sibling_county, "文水县应急局")
    s = f.assignment(f.measure(j=sibling_county, text="外县的措施"), other)
    day = dt.date(2024, 5, 10)
    r = {
        "a_app": Reminder.objects.create(assignment=a, kind=K.IN_APP, reason=W.OVERDUE,
                                         created_at=_at(day)),
        "a_old": Reminder.objects.create(assignment=a, kind=K.IN_APP, reason=W.DUE_SOON,
                                         created_at=_at(day - dt.timedelta(days=9)),
                                         read_at=_at(day - dt.timedelta(days=8))),
        "a_mail": Reminder.objects.create(assignment=a, kind=K.EMAIL, reason=W.OVERDUE,
                                          created_at=_at(day)),
        "a_sup": Reminder.objects.create(assignment=a, kind=K.SUPERVISION, reason=W.OVERDUE,
                                         created_at=_at(day, 9)),
        "b_app": Reminder.objects.create(assignment=b, kind=K.IN_APP, reason=W.PERIOD_MISSED,
                                         created_at=_at(day)),
        "s_app": Reminder.objects.create(assignment=s, kind=K.IN_APP, reason=W.OVERDUE,
                                         created_at=_at(day)),
    }  # fmt: skip
    return r


def _shown(response) -> set[int]:
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def _ids(data, *names) -> set[int]:
    return {data[n].pk for n in names}


def test_liaison_sees_the_units_in_app_reminders_and_notices_not_the_emails(login, liaison_a, data):
    response = login(liaison_a).get(URL)
    assert _shown(response) == _ids(data, "a_app", "a_old", "a_sup")
    html = response.content.decode()
    assert "开展危化品专项检查" in html and "单位</th>" not in html
    assert f'href="{reverse("assignment_detail", args=[data["a_app"].assignment_id])}"' in html


def test_viewing_marks_them_read_and_shows_them_new_this_once(login, liaison_a, data):
    client = login(liaison_a)
    html = client.get(URL).content.decode()
    assert html.count('class="rnew">未读<') == 2 and "2 条新提醒已标为已读" in html
    data["a_app"].refresh_from_db()
    assert data["a_app"].read_at is not None
    data["a_mail"].refresh_from_db()
    assert data["a_mail"].read_at is None  # e-mails are not the app's to mark
    again = client.get(URL).content.decode()
    assert 'class="rnew"' not in again and again.count('<span class="muted">已读 ') == 3


def test_the_nav_shows_the_unread_count_until_viewed(login, liaison_a, data):
    client = login(liaison_a)
    home = client.get(reverse("my_tasks")).content.decode()
    assert f'<a href="{URL}">提醒<span class="badge">2</span></a>' in home
    client.get(URL)
    home = client.get(reverse("my_tasks")).content.decode()
    assert f'<a href="{URL}">提醒</a>' in home


def test_the_count_costs_one_query_for_a_liaison_and_none_for_others(
    liaison_a, office, data, django_assert_num_queries
):
    request = RequestFactory().get("/")
    for user, expected, queries in ((liaison_a, 2, 1), (office, 0, 0), (AnonymousUser(), 0, 0)):
        request.user = user
        get_actor(user)  # the role is looked up once per request, by units.roles
        with django_assert_num_queries(queries):
            assert reminders(request)["reminder_count"] == expected


def test_office_sees_what_it_issued_including_emails_and_marks_nothing(login, office, data):
    response = login(office).get(URL)
    assert _shown(response) == _ids(data, "a_app", "a_old", "a_mail", "a_sup", "b_app")
    html = response.content.decode()
    assert "水峪贯镇" in html and "邮件提醒" in html and "督办单" in html
    assert html.count('<tr class="unread ') == 3  # not the e-mail: the app cannot know
    data["a_app"].refresh_from_db()
    assert data["a_app"].read_at is None


def test_leader_sees_them_and_marks_nothing(login, leader, data):
    assert _shown(login(leader).get(URL)) == _ids(
        data, "a_app", "a_old", "a_mail", "a_sup", "b_app"
    )
    assert Reminder.objects.filter(read_at__isnull=False).count() == 1


def test_the_list_is_read_only(login, leader, office, data):
    assert login(leader).post(URL).status_code == 405
    assert login(office).post(URL).status_code == 405


def test_filters_narrow_the_list(login, office, unit_b, data):
    client = login(office)
    assert _shown(client.get(URL, {"kind": "email"})) == _ids(data, "a_mail")
    assert _shown(client.get(URL, {"read": "read"})) == _ids(data, "a_old")
    assert _shown(client.get(URL, {"unit": unit_b.pk})) == _ids(data, "b_app")


def test_bad_filter_values_show_a_message_and_no_rows(login, office, data):
    response = login(office).get(URL, {"kind": "pigeon"})
    assert "筛选条件有误" in response.content.decode()
    assert _shown(response) == set()


def test_anonymous_is_sent_to_login(client, data):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_units_liaison_sees_none_of_them(login, liaison_b, unit_a, data):
    client = login(liaison_b)
    assert _shown(client.get(URL)) == _ids(data, "b_app")
    assert _shown(client.get(URL, {"unit": unit_a.pk})) == _ids(data, "b_app")
    data["a_app"].refresh_from_db()
    assert data["a_app"].read_at is None


def test_sibling_office_sees_none_of_ours(login, sibling_office, unit_a, data):
    client = login(sibling_office)
    assert _shown(client.get(URL)) == _ids(data, "s_app")
    response = client.get(URL, {"unit": unit_a.pk})
    assert "筛选条件有误" in response.content.decode() and _shown(response) == set()


def test_user_without_role_gets_403(login, county, data):
    assert login(f.user("nobody", role=None, j=county)).get(URL).status_code == 403


def _many(unit, n):
    assignment = f.assignment(f.measure(j=unit.jurisdiction), unit)
    Reminder.objects.bulk_create(
        Reminder(assignment=assignment, kind=K.IN_APP, reason=W.OVERDUE) for _ in range(n)
    )


@pytest.mark.parametrize("n", [10, 100])
def test_liaison_list_queries_are_pinned(login, liaison_a, unit_a, n, django_assert_num_queries):
    _many(unit_a, n)
    client = login(liaison_a)
    # session, user (with role, profile, unit and jurisdiction); count, page, mark read; the
    # nav's unread count
    with django_assert_num_queries(6):
        assert len(_shown(client.get(URL))) == min(n, 30)


@pytest.mark.parametrize("n", [10, 100])
def test_office_list_queries_are_pinned(login, office, unit_a, n, django_assert_num_queries):
    _many(unit_a, n)
    client = login(office)
    # session, user (with role and jurisdiction); unit choices; count, page; review badge
    with django_assert_num_queries(6):
        assert len(_shown(client.get(URL))) == min(n, 30)
