"""Named people and places, defined once for every test.

交城县 (county) has 县应急局 and 天宁镇 and a township jurisdiction 水峪贯镇 below it; 文水县 is
a sibling county. Users: the county office, a leader, a liaison of each of two units, the
sibling county's office, the township's office, and IT (superuser).
"""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def _plain_storage(settings, tmp_path):
    # Tests do not run collectstatic, and uploads go to a throwaway folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real hashing costs a second per user on a loaded machine; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache holds login-failure counts and the city/province snapshots (tasks.figures):
    every test starts and ends with none, whatever ran before it."""
    from django.core.cache import cache

    from safetyplan import sqlmemo

    cache.clear()
    sqlmemo.clear()  # compiled SQL names ids, which the next test's rows may reuse
    yield
    cache.clear()


@pytest.fixture
def county(db):
    return f.jurisdiction("交城县")


@pytest.fixture
def township_j(county):
    return f.jurisdiction("水峪贯镇", level="township", parent=county)


@pytest.fixture
def sibling_county(db):
    return f.jurisdiction("文水县")


@pytest.fixture
def unit_a(county):
    return f.unit(county, "县应急局", aliases=["县应急管理局", "应急局"])


@pytest.fixture
def unit_b(county, township_j):
    return f.unit(county, "水峪贯镇", kind="township")


@pytest.fixture
def office(county):
    return f.user("office", role=f.ROLE_OFFICE, j=county)


@pytest.fixture
def leader(county):
    return f.user("leader", role=f.ROLE_LEADER, j=county)


@pytest.fixture
def liaison_a(county, unit_a):
    return f.user("liaison_a", role=f.ROLE_LIAISON, j=county, u=unit_a)


@pytest.fixture
def liaison_b(county, unit_b):
    return f.user("liaison_b", role=f.ROLE_LIAISON, j=county, u=unit_b)


@pytest.fixture
def sibling_office(sibling_county):
    return f.user("sibling_office", role=f.ROLE_OFFICE, j=sibling_county)


@pytest.fixture
def township_office(township_j):
    return f.user("township_office", role=f.ROLE_OFFICE, j=township_j)


@pytest.fixture
def it_admin(county):
    return f.user("it_admin", role="admin", j=county)


@pytest.fixture
def login(client):
    """``login(user)`` returns the test client logged in as ``user``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def on_day(monkeypatch):
    """``on_day(date)`` makes every view judge lights and periods on that date."""

    def _set(day):
        monkeypatch.setattr("tasks.clock.today", lambda: day)

    return _set
