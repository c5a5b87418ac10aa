"""A city's or a province's figures: computed at most once a minute, and the page says when.

Counting every assignment of a province takes seconds; the workbench and the ranking of a
jurisdiction with counties below it serve figures computed within FIGURES_MAX_AGE seconds
(``tasks.figures``), and ``manage.py refresh_figures`` (run every minute) keeps them warm.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tasks import figures
from tasks.models import Assignment
from tests import factories as f
from units.access import get_actor
from units.models import OFFICE

ON = dt.date(2024, 6, 15)
S = Assignment.Status


@pytest.fixture
def city(db, on_day):
    on_day(ON)
    top = f.jurisdiction("某市", level="city")
    for name in ("甲县", "乙县"):
        county = f.jurisdiction(name, parent=top)
        n = f.notice(county, year=2024)
        for i in range(3):
            f.assignment(f.measure(n), f.unit(county, f"{name}单位{i}"), due=dt.date(2024, 6, 1))
    return top


@pytest.fixture
def city_office(city):
    return f.user("city_office", role=OFFICE, j=city)


def _workbench(client):
    return client.get(reverse("workbench"), {"jurisdiction": "", "year": 2024})


def _late_tile(response) -> int:
    return response.context["totals"].late


def test_city_workbench_says_when_its_figures_were_computed(login, city_office):
    response = _workbench(login(city_office))
    assert response.status_code == 200
    assert "数据计算于" in response.text
    assert _late_tile(response) == 6


def test_second_look_within_a_minute_reads_the_snapshot(login, city_office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city_office)
    with CaptureQueriesContext(connection) as computing:
        first = _workbench(client)
    with CaptureQueriesContext(connection) as reading:
        second = _workbench(client)
    assert second.context["computed_at"] == first.context["computed_at"]
    # Not counted again: the units' figures, the totals, the two month series and the badge.
    assert len(reading) == len(computing) - 5
    assert [r.record.name for r in second.context["table"].page.object_list] == [
        r.record.name for r in first.context["table"].page.object_list
    ]


def test_a_change_shows_once_the_snapshot_is_a_minute_old(login, city_office, monkeypatch):
    client = login(city_office)
    assert _late_tile(_workbench(client)) == 6
    a = Assignment.objects.first()
    a.status = S.DONE
    a.save()
    assert _late_tile(_workbench(client)) == 6  # within the minute: the snapshot
    later = timezone.now() + dt.timedelta(seconds=figures.max_age() + 1)
    monkeypatch.setattr(figures.timezone, "now", lambda: later)
    assert _late_tile(_workbench(client)) == 5


def test_sorting_a_snapshot_works_like_the_live_table(login, city_office):
    client = login(city_office)
    _workbench(client)
    response = client.get(reverse("workbench"), {"jurisdiction": "", "year": 2024, "sort": "name"})
    names = [r.record.name for r in response.context["table"].page.object_list]
    assert names == sorted(names, key=lambda n: (n[0] != "甲", n))


def test_a_county_computes_live(login, office, unit_a, on_day):
    on_day(ON)
    f.assignment(f.measure(f.notice(unit_a.jurisdiction)), unit_a, due=dt.date(2024, 6, 1))
    response = login(office).get(reverse("workbench"))
    assert response.status_code == 200
    assert "数据计算于" not in response.text
    assert response.context["computed_at"] is None


def test_one_county_of_the_city_computes_live(login, city_office, city):
    county = city.children.get(name="甲县")
    response = login(city_office).get(reverse("workbench"), {"jurisdiction": county.pk})
    assert response.context["computed_at"] is None
    assert _late_tile(response) == 3


def test_refresh_figures_fills_the_snapshot_before_anyone_looks(login, city_office, city):
    call_command("refresh_figures", verbosity=0)
    snapshot = figures.cached_workbench(get_actor(city_office), year=2024, on=ON)
    assert snapshot is not None and snapshot.totals.late == 6
    response = _workbench(login(city_office))
    assert response.context["computed_at"] == snapshot.computed_at


def test_sibling_city_never_sees_this_citys_snapshot(login, city_office, city):
    _workbench(login(city_office))
    other = f.jurisdiction("另一市", level="city")
    stranger = f.user("other_city", role=OFFICE, j=other)
    response = _workbench(login(stranger))
    assert _late_tile(response) == 0


def test_city_chart_has_one_bar_per_county(login, city_office):
    response = _workbench(login(city_office))
    chart = str(response.context["charts"]["units"])
    assert "甲县" in chart and "乙县" in chart
    assert "甲县单位0" not in chart
    assert "各县（区）完成率" in response.text


def test_city_table_names_each_units_county(login, city_office):
    html = _workbench(login(city_office)).text
    assert '甲县单位0</a><span class="muted small">（甲县）</span>' in html


def test_city_offices_badge_is_counted_once_a_minute(login, city_office, monkeypatch):
    from units.context_processors import review_count

    actor = get_actor(city_office)
    a = Assignment.objects.first()
    assert review_count(actor) == 0
    a.status = S.REQUESTED
    a.save()
    assert review_count(actor) == 0  # within the minute: the count made a moment ago
    later = timezone.now() + dt.timedelta(seconds=figures.max_age() + 1)
    monkeypatch.setattr(figures.timezone, "now", lambda: later)
    assert review_count(actor) == 1


def test_county_offices_badge_is_live(office, unit_a, on_day):
    from units.context_processors import review_count

    on_day(ON)
    a = f.assignment(f.measure(f.notice(unit_a.jurisdiction)), unit_a)
    actor = get_actor(office)
    assert review_count(actor) == 0
    a.status = S.REQUESTED
    a.save()
    assert review_count(get_actor(office)) == 1
