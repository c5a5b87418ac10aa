"""The 措施台账's unit choices: read once for the filter and the bulk panel, named with their
county when the office's reach holds several."""

import pytest
from django.urls import reverse

from tasks.filters import MeasureFilter
from tasks.forms_measures import BulkForm, UnitRows
from tasks.models import Measure
from tests import factories as f
from units.access import get_actor
from units.models import OFFICE


@pytest.fixture
def city(db):
    top = f.jurisdiction("某市", level="city")
    for name in ("乙县", "甲县"):
        county = f.jurisdiction(name, parent=top)
        f.unit(county, "城关镇", kind="township")
        f.unit(county, f"{name}应急局")
        f.unit(county, f"{name}水利局")
        gone = f.unit(county, f"{name}撤并局")
        gone.is_active = False
        gone.save()
    f.unit(top, "市应急局")
    return top


@pytest.fixture
def city_office(city):
    return f.user("city_office", role=OFFICE, j=city)


def test_bulk_panel_lists_what_its_queryset_lists_in_its_order(rf, city_office):
    actor = get_actor(city_office)
    expected = list(BulkForm(actor=actor).fields["units"].queryset.values_list("pk", flat=True))
    assert [row[0] for row in UnitRows(actor).active()] == expected


def test_filter_lists_what_its_queryset_lists_inactive_units_too(rf, city_office):
    request = rf.get("/")
    request.user = city_office
    field = MeasureFilter(queryset=Measure.objects.none(), request=request).form.fields["unit"]
    expected = list(field.queryset.values_list("pk", flat=True))
    every = UnitRows(get_actor(city_office)).every()
    assert [row[0] for row in every] == expected
    assert "甲县撤并局" in [row[1] for row in every]


def test_city_filter_names_each_units_county(login, city_office):
    html = login(city_office).get(reverse("measure_list")).text
    select = html[html.index('name="unit"') : html.index("</select>", html.index('name="unit"'))]
    assert "城关镇（甲县）</option>" in select and "城关镇（乙县）</option>" in select
    assert ">市应急局</option>" in select  # the office's own units: no county
    panel = html[html.index('id="bulk-form"') :]
    assert "城关镇（甲县）</label>" in panel and "甲县撤并局" not in panel


def test_county_filter_names_units_alone(login, city):
    county = city.children.get(name="甲县")
    html = login(f.user("county_office", role=OFFICE, j=county)).get(reverse("measure_list")).text
    assert ">城关镇</option>" in html and "（甲县）" not in html


def test_a_renamed_unit_shows_at_once(login, city_office, city):
    client = login(city_office)
    assert "城关镇（甲县）</option>" in client.get(reverse("measure_list")).text
    unit = city.children.get(name="甲县").units.get(name="城关镇")
    unit.name = "城关街道"
    unit.save()
    html = client.get(reverse("measure_list")).text
    assert "城关镇（甲县）" not in html
    assert "城关街道（甲县）</option>" in html and "城关街道（甲县）</label>" in html


def test_a_units_name_is_escaped_in_the_filter_and_the_panel(login, city_office, city):
    f.unit(city, '<b>"危化"</b>办')
    html = login(city_office).get(reverse("measure_list")).text
    assert "<b>" not in html
    assert html.count("&lt;b&gt;&quot;危化&quot;&lt;/b&gt;办") == 2


def test_city_review_queue_filter_names_each_units_county(login, city_office, city):
    response = login(city_office).get(reverse("review_queue"))
    html = response.text
    select = html[html.index('name="unit"') : html.index("</select>", html.index('name="unit"'))]
    assert "城关镇（甲县）</option>" in select and "城关镇（乙县）</option>" in select
    assert ">市应急局</option>" in select


def test_county_review_queue_filter_names_units_alone(login, city):
    county = city.children.get(name="甲县")
    html = login(f.user("county_office", role=OFFICE, j=county)).get(reverse("review_queue")).text
    assert ">城关镇</option>" in html and "（甲县）" not in html
