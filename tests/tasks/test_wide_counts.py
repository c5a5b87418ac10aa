"""The totals of a city's or a province's 措施台账 and review queue: counted once a minute.

Counting 43,000 measures or 34,000 requests across a province took more than the rest of the
page. Over a city or a province (not narrowed to one notice or unit) the lists show a total
counted at most ``FIGURES_MAX_AGE`` seconds ago and say when; the rows themselves are read on
every request. A county's totals, and a wide list narrowed to one notice or unit, are live.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import figures
from tasks.models import Assignment, ExtensionRequest, Measure
from tests import factories as f
from units.models import OFFICE

ON = dt.date(2024, 6, 15)
S = Assignment.Status
AGE_NOTE = "统计于"


@pytest.fixture
def city(db, on_day):
    on_day(ON)
    top = f.jurisdiction("某市", level="city")
    for name in ("甲县", "乙县"):
        county = f.jurisdiction(name, parent=top)
        n = f.notice(county, year=2024, title=f"{name}通知")
        for i in range(3):
            a = f.assignment(f.measure(n), f.unit(county, f"{name}单位{i}"))
            a.status = S.REQUESTED
            a.save()
    return top


@pytest.fixture
def city_office(city):
    return f.user("city_office", role=OFFICE, j=city)


def _later(monkeypatch) -> None:
    later = timezone.now() + dt.timedelta(seconds=figures.max_age() + 1)
    monkeypatch.setattr(figures.timezone, "now", lambda: later)


def _ledger(client, **params):
    return client.get(reverse("measure_list"), {"year": 2024, **params})


def _add_measure(county) -> Assignment:
    notice = county.notices.first()
    return f.assignment(f.measure(notice), county.units.first())


def test_city_ledger_total_is_counted_once_a_minute(login, city_office, city, monkeypatch):
    client = login(city_office)
    first = _ledger(client)
    assert first.context["table"].paginator.count == 6
    assert AGE_NOTE in first.text
    _add_measure(city.children.get(name="甲县"))
    assert _ledger(client).context["table"].paginator.count == 6  # within the minute
    _later(monkeypatch)
    assert _ledger(client).context["table"].paginator.count == 7


def test_city_ledger_rows_are_live_while_the_total_waits(login, city_office, city):
    client = login(city_office)
    _ledger(client)
    added = _add_measure(city.children.get(name="甲县"))
    rows = _ledger(client).context["table"].page.object_list
    assert added.measure_id in {row.record.pk for row in rows}


def test_each_filter_has_its_own_total(login, city_office, city):
    client = login(city_office)
    assert _ledger(client).context["table"].paginator.count == 6
    assert _ledger(client, status="requested").context["table"].paginator.count == 6
    assert _ledger(client, status="done").context["table"].paginator.count == 0
    assert _ledger(client, q="不存在的措施").context["table"].paginator.count == 0


def test_city_ledger_narrowed_to_one_notice_is_live(login, city_office, city):
    client = login(city_office)
    county = city.children.get(name="甲县")
    notice = county.notices.first()
    first = _ledger(client, notice=notice.pk)
    assert first.context["table"].paginator.count == 3
    assert AGE_NOTE not in first.text
    _add_measure(county)
    assert _ledger(client, notice=notice.pk).context["table"].paginator.count == 4


def test_county_ledger_total_is_live(login, city):
    county = city.children.get(name="甲县")
    client = login(f.user("county_office", role=OFFICE, j=county))
    first = _ledger(client)
    assert first.context["table"].paginator.count == 3
    assert AGE_NOTE not in first.text
    _add_measure(county)
    assert _ledger(client).context["table"].paginator.count == 4


def test_sibling_city_never_reads_this_citys_total(login, city_office, city):
    _ledger(login(city_office))
    other = f.jurisdiction("另一市", level="city")
    stranger = login(f.user("other_city", role=OFFICE, j=other))
    assert _ledger(stranger).context["table"].paginator.count == 0


def test_a_total_past_the_rows_still_pages(login, city_office, city):
    client = login(city_office)
    assert _ledger(client).context["table"].paginator.count == 6
    Assignment.objects.all().delete()
    Measure.objects.filter(task__notice__jurisdiction__name="甲县").delete()
    response = _ledger(client, page=1)
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 6


def _queue(client, **params):
    return client.get(reverse("review_queue"), params)


def _extension(assignment: Assignment) -> ExtensionRequest:
    return ExtensionRequest.objects.create(
        assignment=assignment,
        requested_date=dt.date(2024, 12, 31),
        reason="汛期",
        requested_by=f.user(f"liaison{assignment.pk}", role=None, j=assignment.unit.jurisdiction),
    )


def test_city_review_queue_totals_are_counted_once_a_minute(login, city_office, city, monkeypatch):
    client = login(city_office)
    first = _queue(client)
    assert first.context["table"].paginator.count == 6
    assert first.context["extension_table"].paginator.count == 0
    assert AGE_NOTE in first.text
    a = Assignment.objects.first()
    a.status = S.IN_PROGRESS
    a.save()
    _extension(a)
    second = _queue(client)
    assert second.context["table"].paginator.count == 6  # within the minute
    assert second.context["extension_table"].paginator.count == 0
    _later(monkeypatch)
    third = _queue(client)
    assert third.context["table"].paginator.count == 5
    assert third.context["extension_table"].paginator.count == 1


def test_city_review_queue_for_one_unit_is_live(login, city_office, city):
    client = login(city_office)
    unit = city.children.get(name="甲县").units.first()
    first = _queue(client, unit=unit.pk)
    assert first.context["table"].paginator.count == 1
    assert AGE_NOTE not in first.text
    Assignment.objects.filter(unit=unit).update(status=S.IN_PROGRESS)
    assert _queue(client, unit=unit.pk).context["table"].paginator.count == 0


def test_county_review_queue_totals_are_live(login, city):
    county = city.children.get(name="甲县")
    client = login(f.user("county_office", role=OFFICE, j=county))
    first = _queue(client)
    assert first.context["table"].paginator.count == 3
    assert AGE_NOTE not in first.text
    Assignment.objects.filter(unit__jurisdiction=county).update(status=S.IN_PROGRESS)
    assert _queue(client).context["table"].paginator.count == 0


def test_second_look_at_the_city_ledger_does_not_count(login, city_office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city_office)
    with CaptureQueriesContext(connection) as counting:
        _ledger(client)
    with CaptureQueriesContext(connection) as reading:
        _ledger(client)
    counts = [q["sql"] for q in reading if q["sql"].upper().startswith("SELECT COUNT(")]
    assert len(reading) == len(counting) - 2  # the total, and the badge (also once a minute)
    assert not any("tasks_measure" in sql for sql in counts)
