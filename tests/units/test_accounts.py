"""The office creates liaison accounts and resets their passwords itself (no e-mail)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests import factories as f
from units.models import Profile

User = get_user_model()


def _password(response) -> str:
    return re.search(r'class="password">([^<]+)<', response.content.decode()).group(1)


def test_office_creates_a_liaison_and_sees_the_password_once(login, office, unit_a, client):
    page = login(office).post(
        reverse("account_create"),
        {"username": "yjj2", "full_name": "刘明", "unit": unit_a.pk, "phone": "13800000000"},
    )
    assert page.status_code == 200
    password = _password(page)
    user = User.objects.get(username="yjj2")
    assert user.groups.filter(name="联络员").exists()
    assert user.profile.unit == unit_a and user.profile.must_change_password
    client.logout()
    assert client.login(username="yjj2", password=password)


def test_one_time_password_forces_a_new_password_first(client, office, unit_a, login):
    page = login(office).post(
        reverse("account_create"), {"username": "new1", "full_name": "甲", "unit": unit_a.pk}
    )
    password = _password(page)
    client.logout()
    client.login(username="new1", password=password)
    response = client.get(reverse("account_list"), follow=False)
    assert response.status_code == 302 and response.url == reverse("password_change")
    done = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Anquan#2024x",
            "new_password2": "Anquan#2024x",
        },
    )
    assert done.status_code == 302
    assert not Profile.objects.get(user__username="new1").must_change_password


def test_invalid_account_form_creates_nothing(login, office, unit_a, liaison_a):
    page = login(office).post(
        reverse("account_create"), {"username": "liaison_a", "full_name": "", "unit": unit_a.pk}
    )
    html = page.content.decode()
    assert "该登录名已被使用" in html and "这个字段是必填项" in html
    assert User.objects.filter(username="liaison_a").count() == 1


def test_office_cannot_create_an_account_in_a_sibling_jurisdiction(login, office, sibling_county):
    other = f.unit(sibling_county, "文水县应急局")
    page = login(office).post(
        reverse("account_create"), {"username": "x1", "full_name": "乙", "unit": other.pk}
    )
    assert page.status_code == 200 and not User.objects.filter(username="x1").exists()


def test_reset_gives_a_new_password_and_the_old_stops_working(login, office, liaison_a, client):
    page = login(office).post(reverse("account_reset", args=[liaison_a.pk]))
    password = _password(page)
    client.logout()
    assert not client.login(username="liaison_a", password="pw-Test-12345")
    assert client.login(username="liaison_a", password=password)


def test_switch_off_and_on(login, office, liaison_a):
    client = login(office)
    client.post(reverse("account_toggle", args=[liaison_a.pk]))
    liaison_a.refresh_from_db()
    assert not liaison_a.is_active
    client.post(reverse("account_toggle", args=[liaison_a.pk]))
    liaison_a.refresh_from_db()
    assert liaison_a.is_active


def test_sibling_office_cannot_reset_our_liaison(login, sibling_office, liaison_a):
    assert (
        login(sibling_office).post(reverse("account_reset", args=[liaison_a.pk])).status_code == 404
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("account_list"))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("who", ["leader", "liaison_a", "liaison_b"])
def test_only_the_office_manages_accounts(request, login, who, liaison_a):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("account_list")).status_code == 403
    assert client.post(reverse("account_reset", args=[liaison_a.pk])).status_code == 403


def test_township_office_lists_only_its_own_liaisons(login, township_office, township_j, liaison_a):
    village = f.unit(township_j, "某村", kind="village")
    f.user("cun1", role=f.ROLE_LIAISON, j=township_j, u=village)
    html = login(township_office).get(reverse("account_list")).content.decode()
    assert "cun1" in html and "liaison_a" not in html


@pytest.mark.parametrize("rows", [10, 100])
def test_account_list_query_count_does_not_grow(
    login, office, county, rows, django_assert_num_queries
):
    for i in range(rows):
        f.user(f"l{i}", role=f.ROLE_LIAISON, j=county, u=f.unit(county))
    client = login(office)
    with django_assert_num_queries(5):
        assert client.get(reverse("account_list")).status_code == 200
