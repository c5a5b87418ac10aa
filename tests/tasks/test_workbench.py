"""The home page and the office's workbench (工作台)."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from tasks.models import Assignment
from tests import factories as f

D = dt.date
S = Assignment.Status
ON = D(2024, 7, 1)
URL = "/workbench/"


@pytest.fixture
def data(county, unit_a, unit_b, on_day):
    """县应急局: one overdue, one done; 水峪贯镇: one due in three days; 县住建局: nothing."""
    on_day(ON)
    n = f.notice(county, year=2024)
    f.unit(county, "县住建局")
    late = f.assignment(f.measure(n), unit_a, start=D(2024, 1, 1), due=D(2024, 6, 1))
    done = f.assignment(f.measure(n), unit_a, start=D(2024, 1, 1), due=D(2024, 6, 30))
    done.status, done.completed_at = S.DONE, dt.datetime(2024, 6, 20, 10, tzinfo=dt.UTC)
    done.save()
    soon = f.assignment(f.measure(n), unit_b, start=D(2024, 6, 20), due=D(2024, 7, 3))
    return {"late": late, "done": done, "soon": soon}


def _links(html: str, text: str) -> list[str]:
    """The hrefs of the links whose text is exactly ``text``."""
    import re

    return [m.group(1) for m in re.finditer(rf'<a href="([^"]+)">{re.escape(text)}</a>', html)]


# ---- home ---------------------------------------------------------------------------------


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["office", "leader", "it_admin"])
def test_jurisdiction_roles_start_on_the_workbench(request, login, who):
    response = login(request.getfixturevalue(who)).get("/")
    assert response.status_code == 302 and response.url == reverse("workbench")


def test_liaison_starts_on_their_tasks(login, liaison_a):
    response = login(liaison_a).get("/")
    assert response.status_code == 302 and response.url == reverse("my_tasks")


def test_liaison_home_without_task_page_links_to_own_unit(login, liaison_a, unit_a, monkeypatch):
    from django.urls import NoReverseMatch

    from tasks.views import workbench

    def no_my_tasks(name, *args, **kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr(workbench, "reverse", no_my_tasks)
    response = login(liaison_a).get("/")
    assert response.status_code == 200
    assert reverse("unit_detail", args=[unit_a.pk]) in response.text


def test_user_without_role_is_told_to_ask_the_office(login, county):
    nobody = f.user("nobody", role=None, j=county)
    response = login(nobody).get("/")
    assert response.status_code == 200
    assert "还没有分配角色" in response.text and "请联系本级安委办" in response.text


def test_home_refuses_post(login, office):
    assert login(office).post("/").status_code == 405


# ---- workbench: who may see it ------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_liaison_may_not_open_the_workbench(login, liaison_b, data):
    response = login(liaison_b).get(URL)
    assert response.status_code == 403
    assert "县应急局" not in response.text


def test_leader_sees_the_workbench_read_only(login, leader, data):
    response = login(leader).get(URL)
    assert response.status_code == 200
    assert "县应急局" in response.text
    assert 'method="post"' not in response.text.split("</header>")[1]


def test_leader_cannot_write(login, leader, data):
    # The workbench only shows; a write is refused.
    assert login(leader).post(URL, {"year": "2024"}).status_code == 405


def test_sibling_office_sees_none_of_our_units(login, sibling_office, data, county):
    f.assignment(
        f.measure(j=sibling_office.profile.jurisdiction),
        f.unit(sibling_office.profile.jurisdiction, "文水县应急局"),
    )
    response = login(sibling_office).get(URL)
    assert response.status_code == 200
    assert "文水县应急局" in response.text
    assert "县应急局<" not in response.text.replace("文水县应急局<", "")
    assert "水峪贯镇" not in response.text


def test_sibling_office_cannot_pick_our_county(login, sibling_office, data, county):
    response = login(sibling_office).get(URL, {"jurisdiction": county.pk})
    assert response.status_code == 200
    assert "查询条件有误" in response.text
    assert "县应急局" not in response.text


def test_township_office_sees_only_its_own_jurisdiction(login, township_office, data):
    response = login(township_office).get(URL)
    assert response.status_code == 200
    assert "县应急局" not in response.text


# ---- workbench: what it shows -------------------------------------------------------------


def test_totals_and_per_unit_figures(login, office, data, unit_a, unit_b):
    response = login(office).get(URL)
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.assigned, totals.done, totals.late, totals.due_soon) == (3, 1, 1, 1)
    rows = {r.record.name: r.record for r in response.context["table"].page.object_list}
    assert set(rows) == {"县应急局", "水峪贯镇"}  # 县住建局 has nothing assigned
    a, b = rows["县应急局"], rows["水峪贯镇"]
    assert (a.assigned, a.done, a.late, a.completion_rate, a.on_time_rate) == (2, 1, 1, 50.0, 50.0)
    assert (b.assigned, b.due_soon, b.light_rank) == (1, 1, 1)
    assert (
        '<span class="light red"' in response.text and '<span class="light yellow"' in response.text
    )


def test_red_units_come_first(login, office, data):
    response = login(office).get(URL)
    names = [r.record.name for r in response.context["table"].page.object_list]
    assert names == ["县应急局", "水峪贯镇"]


@pytest.mark.parametrize(
    ("sort", "first"),
    [("completion_rate", "水峪贯镇"), ("-completion_rate", "县应急局"), ("-due_soon", "水峪贯镇")],
)
def test_table_sorts_by_each_column(login, office, data, sort, first):
    response = login(office).get(URL, {"sort": sort})
    assert response.context["table"].page.object_list[0].record.name == first


def test_on_time_rate_without_figures_sorts_last(login, office, data):
    response = login(office).get(URL, {"sort": "-on_time_rate"})
    names = [r.record.name for r in response.context["table"].page.object_list]
    assert names[-1] == "水峪贯镇"  # nothing done or due yet: "—"
    assert "—" in response.text


def test_numbers_link_to_the_measures_they_count(login, office, data, unit_a):
    html = login(office).get(URL).text
    measure_list = reverse("measure_list")
    late = [u for u in _links(html, "1") if "timing=overdue" in u and f"unit={unit_a.pk}" in u]
    assert late, "the 逾期 count links to the overdue measures of the unit"
    query = parse_qs(urlparse(late[0].replace("&amp;", "&")).query)
    assert urlparse(late[0]).path == measure_list
    assert query == {"unit": [str(unit_a.pk)], "timing": ["overdue"], "year": ["2024"]}
    done = [u for u in _links(html, "1") if "status=done" in u and f"unit={unit_a.pk}" in u]
    assert done
    assert any(f"unit={unit_a.pk}" in u and "status" not in u for u in _links(html, "2"))


def test_links_follow_to_the_measure_list(login, office, data, unit_a):
    client = login(office)
    response = client.get(reverse("measure_list"), {"unit": unit_a.pk, "timing": "overdue"})
    assert response.status_code == 200
    assert data["late"].measure.text in response.text


def test_charts_are_inline_svg_with_units_and_months(login, office, data):
    response = login(office).get(URL)
    units_svg = str(response.context["charts"]["units"])
    months_svg = str(response.context["charts"]["months"])
    root = ET.fromstring(units_svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"县应急局", "水峪贯镇", "50%", "0%"} <= set(texts)
    months = ET.fromstring(months_svg)
    month_texts = ["".join(t.itertext()) for t in months.iter("{http://www.w3.org/2000/svg}text")]
    assert {"1月", "6月", "7月", "办结", "逾期"} <= set(month_texts)
    assert units_svg in response.text and months_svg in response.text
    assert "<script" not in response.text


def test_other_years_and_withdrawn_measures_are_left_out(login, office, data, county, unit_a):
    from tasks.models import Measure

    f.assignment(f.measure(f.notice(county, year=2023)), unit_a, due=D(2023, 5, 1))
    gone = f.assignment(f.measure(f.notice(county, year=2024)), unit_a, due=D(2024, 5, 1))
    Measure.objects.filter(pk=gone.measure_id).update(withdrawn=True)
    response = login(office).get(URL)
    assert response.context["totals"].assigned == 3
    response = login(office).get(URL, {"year": "2023"})
    assert response.context["totals"].assigned == 1
    assert "2023年逐月办结与逾期" in response.text


def test_bad_input_is_explained_and_changes_nothing(login, office, data):
    response = login(office).get(URL, {"year": "明年", "jurisdiction": "999999"})
    assert response.status_code == 200
    assert "查询条件有误，已按默认条件显示" in response.text
    assert response.context["totals"].assigned == 3  # the default scope, as without the input


@pytest.mark.parametrize("value", ["abc", "1.5", " ", "9" * 30, "-1", "\x00", "sibling"])
def test_bad_jurisdiction_is_refused(login, office, data, sibling_county, value):
    value = str(sibling_county.pk) if value == "sibling" else value
    response = login(office).get(URL, {"jurisdiction": value})
    assert response.status_code == 200
    assert "查询条件有误" in response.text
    assert response.context["totals"].assigned == 3


def test_jurisdiction_choices_are_those_in_reach_and_keep_the_choice(
    login, office, data, county, township_j, sibling_county
):
    spaced = login(office).get(URL, {"jurisdiction": f" {township_j.pk} "})
    assert spaced.context["filter"].chosen_jurisdiction == township_j
    response = login(office).get(URL, {"jurisdiction": township_j.pk})
    field = response.context["filter"].form.fields["jurisdiction"]
    assert [label for _, label in field.choices] == ["全部行政区划", "交城县", "水峪贯镇"]
    assert f'<option value="{township_j.pk}" selected>水峪贯镇</option>' in response.text


def test_all_jurisdictions_include_the_township_units(login, office, data, township_j):
    village = f.unit(township_j, "西社村", kind="village")
    f.assignment(f.measure(f.notice(township_j, year=2024)), village, due=D(2024, 6, 1))
    response = login(office).get(URL)
    assert "西社村" not in response.text  # the county's own units by default
    response = login(office).get(URL, {"jurisdiction": "", "year": "2024"})
    assert "西社村" in response.text
    response = login(office).get(URL, {"jurisdiction": township_j.pk})
    assert "西社村" in response.text and "县应急局" not in response.text


def test_dates_are_chinese(login, office, data):
    assert "截至2024年7月1日" in login(office).get(URL).text


@pytest.mark.parametrize("size", [10, 100])
def test_query_count_does_not_grow_with_units(
    login, office, county, on_day, size, django_assert_num_queries
):
    on_day(ON)
    n = f.notice(county, year=2024)
    for i in range(size):
        u = f.unit(county, f"单位{i:03d}")
        a = f.assignment(
            f.measure(n, recurrence="monthly" if i % 3 else ""),
            u,
            start=D(2024, 1, 1),
            due=D(2024, 6, 1 + i % 28),
        )
        if i % 4 == 0:
            a.status = S.DONE
            a.save()
    client = login(office)
    client.get(URL)  # warm the session
    # session, user (with role and jurisdiction), years, jurisdictions (choices and the chosen
    # one), unit figures (once, for the table and the chart), totals, months (2), badge
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == min(size, 50)


def test_table_pages_and_chart_count_the_same_units(login, office, county, on_day):
    """The figures are fetched once for the chart and the table: every page, every sort."""
    on_day(ON)
    n = f.notice(county, year=2024)
    for i in range(60):
        u = f.unit(county, f"单位{i:03d}")
        done = f.assignment(f.measure(n), u, start=D(2024, 1, 1), due=D(2024, 12, 31))
        f.assignment(f.measure(n), u, start=D(2024, 1, 1), due=D(2024, 12, 31))
        if i % 3 == 0:
            done.status, done.completed_at = S.DONE, dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
            done.save()
    client = login(office)
    seen = []
    for page in ("1", "2"):
        response = client.get(URL, {"sort": "name", "page": page})
        seen += [r.record.name for r in response.context["table"].page.object_list]
    assert seen == [f"单位{i:03d}" for i in range(60)]
    last = client.get(URL, {"sort": "-completion_rate", "page": "99"})  # past the end: last page
    rows = [r.record for r in last.context["table"].page.object_list]
    assert len(rows) == 10 and {r.completion_rate for r in rows} == {0.0}
    root = ET.fromstring(str(last.context["charts"]["units"]))
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    names = [t for t in texts if t.startswith("单位")]
    # Ranked by completion rate, then the units' order: the 20 at 50% first.
    assert names == [f"单位{i:03d}" for i in range(0, 60, 3)] + [
        f"单位{i:03d}" for i in range(60) if i % 3
    ]


def test_empty_scope_says_there_is_nothing_yet(login, township_office, on_day):
    on_day(ON)
    response = login(township_office).get(URL)
    assert response.status_code == 200
    assert "所选范围内还没有分配任务" in response.text
    assert "<svg" not in response.text


@pytest.mark.parametrize("year", [2026, None])
def test_figure_cells_read_as_format_html_wrote_them(db, year):
    """The workbench's cells are f-strings now; this is what format_html and urlencode wrote."""
    from types import SimpleNamespace
    from urllib.parse import urlencode

    from django.utils.html import format_html

    from tasks.tables import UnitFiguresTable, place_note

    unit = SimpleNamespace(pk=7, name='县"应急"<局>&', place="交城县", light_rank=2)
    table = UnitFiguresTable([], year=year)
    measures, unit_url = reverse("measure_list"), reverse("unit_detail", args=[7])

    def old_count(value, **params):
        query = {"unit": 7, **params, **({"year": year} if year else {})}
        return format_html('<a href="{}?{}">{}</a>', measures, urlencode(query), value)

    assert table.render_assigned(12, unit) == old_count(12)
    assert table.render_done(3, unit) == old_count(3, status=S.DONE)
    assert table.render_late(2, unit) == old_count(2, timing="overdue")
    assert table.render_due_soon(1, unit) == old_count(1, timing="due_soon")
    assert table.render_late(0, unit) == format_html('<span class="muted">{}</span>', 0)
    assert table.render_name(unit) == format_html(
        '<a href="{}{}">{}</a>{}', unit_url, f"?year={year}" if year else "", unit.name,
        place_note(unit),
    )  # fmt: skip
    query = f"?sort=-light{f'&year={year}' if year else ''}"
    assert table.render_behind(4, unit) == format_html('<a href="{}{}">{}</a>', unit_url, query, 4)
