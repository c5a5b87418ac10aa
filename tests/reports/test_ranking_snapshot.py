"""The ranking over every county of a city or province reads a snapshot, like the workbench."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import ranking
from tasks import figures
from tasks.models import Assignment
from tests import factories as f
from units.access import get_actor
from units.models import OFFICE

ON = dt.date(2024, 6, 15)


@pytest.fixture
def city_office(db, on_day):
    on_day(ON)
    top = f.jurisdiction("某市", level="city")
    for k, name in enumerate(("甲县", "乙县")):
        county = f.jurisdiction(name, parent=top)
        n = f.notice(county, year=2024)
        for i in range(2):
            status = Assignment.Status.DONE if (i + k) % 2 == 0 else Assignment.Status.IN_PROGRESS
            f.assignment(f.measure(n), f.unit(county, f"{name}单位{i}"), status=status)
    return f.user("city_office", role=OFFICE, j=top)


def _ranking(client, **params):
    return client.get(reverse("ranking"), {"jurisdiction": "", "year": 2024, **params})


def test_city_ranking_says_when_computed_and_ranks_like_live(login, city_office):
    response = _ranking(login(city_office))
    assert response.status_code == 200
    assert "数据计算于" in response.text
    rows = [(r.record.name, r.record.rank) for r in response.context["table"].page.object_list]
    assert sorted(rank for _, rank in rows) == [1, 1, 3, 3]
    assert {name for name, rank in rows if rank == 1} == {"甲县单位0", "乙县单位1"}


def test_a_change_shows_once_a_minute_has_passed(login, city_office, monkeypatch):
    client = login(city_office)
    _ranking(client)
    Assignment.objects.update(status=Assignment.Status.DONE)
    ranks = {r.record.rank for r in _ranking(client).context["table"].page.object_list}
    assert ranks == {1, 3}
    later = timezone.now() + dt.timedelta(seconds=figures.max_age() + 1)
    monkeypatch.setattr(figures.timezone, "now", lambda: later)
    ranks = {r.record.rank for r in _ranking(client).context["table"].page.object_list}
    assert ranks == {1}


def test_sorting_the_snapshot_by_a_column(login, city_office):
    response = _ranking(login(city_office), sort="-completion_rate")
    rates = [r.record.completion_rate for r in response.context["table"].page.object_list]
    assert rates == sorted(rates, reverse=True)


def test_xlsx_of_the_city_uses_the_same_rows(login, city_office):
    response = login(city_office).get(reverse("ranking_xlsx"), {"jurisdiction": "", "year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_refresh_figures_computes_the_ranking_too(city_office):
    call_command("refresh_figures", verbosity=0)
    snapshot = ranking.cached_ranking(get_actor(city_office), year=2024, on=ON)
    assert snapshot is not None and len(snapshot.rows) == 4


def test_one_county_ranks_live(login, city_office):
    county = city_office.profile.jurisdiction.children.get(name="甲县")
    response = _ranking(login(city_office), jurisdiction=county.pk)
    assert "数据计算于" not in response.text
    assert len(response.context["table"].page.object_list) == 2


def test_city_ranking_names_each_units_county(login, city_office):
    html = _ranking(login(city_office)).text
    assert '乙县单位1</a><span class="muted small">（乙县）</span>' in html
