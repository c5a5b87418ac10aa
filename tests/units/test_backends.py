"""The session's user comes with its role and where it acts, in the one query that loads it."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from units.access import get_actor
from units.backends import RoleBackend
from units.models import LEADER, OFFICE

BACKEND = "units.backends.RoleBackend"
PASSWORD = "pw-Test-12345"  # tests/factories.py


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("office", "office"),
        ("leader", "leader"),
        ("it_admin", "admin"),
        ("township_office", "office"),
    ],
)
def test_role_and_jurisdiction_come_in_one_query(request, who, role, django_assert_num_queries):
    user = request.getfixturevalue(who)
    expected = user.profile.jurisdiction
    with django_assert_num_queries(1):
        actor = get_actor(RoleBackend().get_user(user.pk))
        assert actor.role == role
        assert actor.jurisdiction == expected and actor.jurisdiction.path == expected.path


def test_liaison_unit_and_its_jurisdiction_come_in_the_same_query(
    liaison_a, unit_a, county, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = RoleBackend().get_user(liaison_a.pk)
        actor = get_actor(user)
        assert actor.is_liaison and actor.unit == unit_a
        assert actor.unit.jurisdiction.path == county.path
        assert actor.jurisdiction == county
        assert user.profile.unit.name == "县应急局"
        assert not user.profile.must_change_password


def test_user_without_role_or_profile_is_nobody(county, django_assert_num_queries):
    nobody = f.user("nobody", role=None, j=county)
    bare = get_user_model().objects.create_user("bare", password=PASSWORD)
    bare.groups.add(Group.objects.get_or_create(name=OFFICE)[0])
    with django_assert_num_queries(2):
        assert get_actor(RoleBackend().get_user(nobody.pk)).role == "none"
        assert get_actor(RoleBackend().get_user(bare.pk)).role == "none"


def test_inactive_or_unknown_user_is_none(office):
    office.is_active = False
    office.save()
    assert RoleBackend().get_user(office.pk) is None
    assert RoleBackend().get_user(999_999) is None


def test_a_user_loaded_elsewhere_still_gets_its_role(liaison_a, unit_a):
    plain = get_user_model().objects.get(pk=liaison_a.pk)  # no annotations: the actor looks them up
    assert get_actor(plain).unit == unit_a


def test_sessions_name_our_backend_and_the_throttle_stays_first(client, office):
    assert settings.AUTHENTICATION_BACKENDS[0] == "units.throttle.LoginThrottleBackend"
    assert BACKEND in settings.AUTHENTICATION_BACKENDS
    assert client.login(username="office", password=PASSWORD)
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    client.logout()
    client.force_login(office)  # what the tests' ``login`` fixture does
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_a_changed_group_takes_effect_on_the_next_request(login, office):
    client = login(office)
    assert client.get("/workbench/").context["actor"].role == "office"
    office.groups.set([Group.objects.get(name=LEADER)])
    assert client.get("/workbench/").context["actor"].role == "leader"


def test_a_deactivated_user_is_logged_out_on_the_next_request(login, office):
    client = login(office)
    assert client.get("/workbench/").status_code == 200
    office.is_active = False
    office.save()
    assert client.get("/workbench/").status_code == 302


@pytest.mark.parametrize("who", ["office", "leader", "liaison_a", "it_admin"])
def test_a_request_identifies_its_user_in_two_queries(request, login, who):
    client = login(request.getfixturevalue(who))
    client.get("/password/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/password/")
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert "django_session" in sqls[0] and "auth_user" in sqls[1]
    # Roles, profile, unit and jurisdiction all came with the user.
    assert not [s for s in sqls[2:] if "auth_group" in s or "units_profile" in s]
    assert not [s for s in sqls[2:] if s.startswith('SELECT "units_')]
