"""Per-unit figures, totals and the monthly trend, on a dataset built by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reports import ranking
from tasks import stats
from tasks.models import Assignment, Measure
from tests import factories as f
from units.models import Unit

D = dt.date
S = Assignment.Status
ON = D(2024, 7, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(y, m, d, hour=10, minute=0):
    return dt.datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def _done(a: Assignment, when: dt.datetime) -> Assignment:
    a.status = S.DONE
    a.completed_at = when
    a.save()
    return a


@pytest.fixture
def data(county, unit_a, unit_b, sibling_county):
    """On 1 July 2024:

    县应急局: one overdue, one done on time, one done after its original date (though before
    the extended one), one due in two days and not started (so behind 序时进度 too) →
    4 assigned, 2 done, 1 late, 1 due soon, 1 behind, 1 on time of 3 expected; red.
    水峪贯镇: two yearly ones, at 30% (behind) and 80%; plus a withdrawn measure and one of last
    year's notice, neither of which counts → 2 assigned, 1 behind; yellow.
    县住建局: a monthly measure never reported (late by missed periods) and one done without any
    date (on time); red.
    县交通局: nothing assigned.
    """
    n = f.notice(county, year=2024)
    old = f.notice(county, year=2023)
    unit_c = f.unit(county, "县住建局")
    unit_d = f.unit(county, "县交通局")
    start = D(2024, 1, 1)

    def a(u, *, due=None, start=start, notice=n, recurrence=""):
        return f.assignment(f.measure(n=notice, recurrence=recurrence), u, due=due, start=start)

    a(unit_a, due=D(2024, 6, 30))
    _done(a(unit_a, due=D(2024, 5, 31)), _at(2024, 5, 31, 23, 30))  # late evening: still on time
    extended = a(unit_a, due=D(2024, 5, 31))
    extended.due_date = D(2024, 6, 30)  # approved extension; the original date stays
    extended.save()
    _done(extended, _at(2024, 6, 1, 0, 30))  # just after midnight: one day late
    a(unit_a, due=D(2024, 7, 3))

    behind = a(unit_b, due=D(2024, 12, 31))
    behind.latest_percent = 30
    behind.save()
    ahead = a(unit_b, due=D(2024, 12, 31))
    ahead.latest_percent = 80
    ahead.save()
    withdrawn = a(unit_b, due=D(2024, 3, 1))
    Measure.objects.filter(pk=withdrawn.measure_id).update(withdrawn=True)
    a(unit_b, due=D(2023, 12, 1), notice=old)

    a(unit_c, recurrence="monthly")
    _done(a(unit_c), _at(2024, 3, 15))

    # Another county's work is never counted.
    f.assignment(f.measure(j=sibling_county), f.unit(sibling_county), due=D(2024, 6, 1))
    return {"a": unit_a, "b": unit_b, "c": unit_c, "d": unit_d}


def _scope(county, year=2024):
    return stats.scope(Assignment.objects.in_jurisdiction_of(county), year=year)


def _figures(county):
    units = Unit.objects.filter(jurisdiction=county)
    return {u.name: u for u in stats.unit_figures(units, _scope(county), on=ON, idle=True)}


def test_unit_with_late_and_extended_work(county, data):
    a = _figures(county)["县应急局"]
    assert (a.assigned, a.done, a.late, a.due_soon, a.behind) == (4, 2, 1, 1, 1)
    assert (a.on_time, a.expected) == (1, 3)
    assert a.completion_rate == pytest.approx(50.0)
    assert a.on_time_rate == pytest.approx(100 / 3)
    assert stats.light_name(a.light_rank) == "red"


def test_unit_behind_schedule_is_yellow_and_ignores_withdrawn_and_other_years(county, data):
    b = _figures(county)["水峪贯镇"]
    assert (b.assigned, b.done, b.late, b.due_soon, b.behind) == (2, 0, 0, 0, 1)
    assert b.completion_rate == 0.0
    assert b.on_time_rate is None  # nothing done, nothing due yet
    assert stats.light_name(b.light_rank) == "yellow"


def test_missed_periods_count_as_late(county, data):
    c = _figures(county)["县住建局"]
    assert (c.assigned, c.done, c.late, c.on_time, c.expected) == (2, 1, 1, 1, 1)
    assert c.on_time_rate == pytest.approx(100.0)
    assert stats.light_name(c.light_rank) == "red"


def test_unit_without_assignments_has_no_rates(county, data):
    d = _figures(county)["县交通局"]
    assert (d.assigned, d.done, d.late) == (0, 0, 0)
    assert d.completion_rate is None and d.on_time_rate is None
    assert stats.light_name(d.light_rank) == "green"


def test_last_years_notice_counts_when_asked_for(county, data):
    units = Unit.objects.filter(jurisdiction=county)
    b = stats.unit_figures(units, _scope(county, year=2023), on=ON).get(name="水峪贯镇")
    assert (b.assigned, b.late) == (1, 1)


@pytest.mark.parametrize("idle, count", [(True, 4), (False, 3)])
def test_figures_are_one_query(county, data, django_assert_num_queries, idle, count):
    units = Unit.objects.filter(jurisdiction=county)
    with django_assert_num_queries(1):
        rows = list(stats.unit_figures(units, _scope(county), on=ON, idle=idle))
    assert len(rows) == count


def test_idle_and_scoped_figures_agree(county, data):
    """The one-pass shape (units with work only) counts exactly what the per-figure shape does."""
    units = Unit.objects.filter(jurisdiction=county)
    names = ("assigned", "done", "late", "due_soon", "behind", "on_time", "expected", "light_rank")

    def table(idle):
        rows = stats.unit_figures(units, _scope(county), on=ON, idle=idle)
        return {u.name: tuple(getattr(u, n) for n in names) for u in rows if u.assigned}

    assert table(idle=False) == table(idle=True)


def test_figures_sort_by_rates_and_light(county, data):
    units = Unit.objects.filter(jurisdiction=county)
    qs = stats.unit_figures(units, _scope(county), on=ON).filter(assigned__gt=0)
    assert [u.name for u in qs.order_by("-light_rank", "name")][-1] == "水峪贯镇"
    assert [u.name for u in qs.order_by("-completion_rate", "-on_time_rate")] == [
        "县住建局",  # 50%, all on time
        "县应急局",  # 50%, one in three on time
        "水峪贯镇",  # 0%
    ]
    assert qs.order_by("-behind", "-assigned").first().name == "县应急局"


def test_totals(county, data, django_assert_num_queries):
    with django_assert_num_queries(1):
        t = stats.totals(_scope(county), on=ON)
    assert t.assigned == 8
    assert t.by_status == {"not_started": 5, "in_progress": 0, "requested": 0, "done": 3}
    assert (t.late, t.due_soon, t.behind, t.on_time, t.expected) == (2, 1, 2, 2, 4)
    assert t.completion_rate == pytest.approx(37.5)
    assert t.on_time_rate == pytest.approx(50.0)
    assert [label for _, label, _ in t.statuses()] == ["未启动", "推进中", "申请办结", "已办结"]


def test_months_count_completions_and_missed_deadlines(county, data, django_assert_num_queries):
    with django_assert_num_queries(2):
        months = stats.by_month(_scope(county), year=2024, on=ON)
    assert [m.label for m in months] == ["1月", "2月", "3月", "4月", "5月", "6月", "7月"]
    completed = {m.month: m.completed for m in months}
    overdue = {m.month: m.overdue for m in months}
    # Done 15 March, 31 May (late evening, Shanghai time) and 1 June (just after midnight).
    assert completed == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1, 6: 1, 7: 0}
    # Due 30 June and still open → June. The extended one, done 1 June, met its current date
    # (30 June); the withdrawn measure (due 1 March) does not count.
    assert overdue == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 0}


def test_a_past_year_has_twelve_months(county, data):
    months = stats.by_month(_scope(county, year=2023), year=2023, on=ON)
    assert len(months) == 12
    assert months[11].overdue == 1


# ---- The pictures (tasks/charts.py) -------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str):
    import xml.etree.ElementTree as ET

    return ET.fromstring(svg)


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_xml_with_every_unit_and_value():
    from tasks import charts

    rows = [("县应急局", 50.0), ("市生态环境局交城分局", 100 / 3), ("水峪贯镇", None)]
    root = _parse(charts.bar_chart(rows, title="各单位完成率", chart_id="c1"))
    texts = _texts(root)
    assert {"县应急局", "市生态环境局交城分局", "水峪贯镇"} <= set(texts)
    assert {"50%", "33.3%", "—"} <= set(texts)
    assert root.find(f"{SVG}title").text == "各单位完成率"
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill", "").startswith("url(")]
    assert [float(b.get("width")) for b in bars] == [210.0, 140.0, 0.0]
    # Printable: black text, bars hatched with a pattern rather than told apart by colour.
    assert root.get("fill") == "#000"
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "c1-hatch"


def test_bar_chart_escapes_names():
    from tasks import charts

    svg = charts.bar_chart([('<script>alert("x")</script>&', 10.0)], title="A & <B>")
    root = _parse(svg)  # would raise if anything were left unescaped
    assert "<script>" not in svg
    assert '<script>alert("x")</script>&' in _texts(root)
    assert root.find(f"{SVG}title").text == "A & <B>"


def test_bar_chart_with_no_units_says_so():
    from tasks import charts

    assert "暂无数据" in _texts(_parse(charts.bar_chart([], title="各单位完成率")))


def test_line_chart_holds_months_legend_and_values():
    from tasks import charts

    svg = charts.line_chart(
        ["1月", "2月", "3月"],
        [charts.Series("办结", [2, 0, 7]), charts.Series("逾期", [1, 3, 0])],
        title="2024年逐月办结与逾期",
    )
    root = _parse(svg)
    texts = _texts(root)
    assert {"1月", "2月", "3月", "办结", "逾期"} <= set(texts)
    assert {"2", "7", "1", "3"} <= set(texts)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    # Told apart without colour: one solid, one dashed.
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    assert len(lines[0].get("points").split()) == 3


def test_line_chart_axis_reaches_the_highest_value():
    from tasks import charts

    root = _parse(charts.line_chart(["1月"], [charts.Series("办结", [37])], title="t"))
    ticks = [float(t.text) for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks[0] == 0 and 37 <= max(ticks) <= 50


@pytest.mark.parametrize(
    "completed_utc, month, on_time",
    [
        (dt.datetime(2024, 6, 30, 15, 30, tzinfo=dt.UTC), 6, True),  # 23:30 on 30 June, Beijing
        (dt.datetime(2024, 6, 30, 16, 30, tzinfo=dt.UTC), 7, False),  # 00:30 on 1 July, Beijing
    ],
)
def test_completion_day_and_month_are_beijings(county, unit_a, completed_utc, month, on_time):
    a = f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30), status=S.DONE)
    Assignment.objects.filter(pk=a.pk).update(completed_at=completed_utc)
    scope = Assignment.objects.filter(pk=a.pk)
    rows = stats.by_month(scope, year=2024, on=dt.date(2024, 12, 31))
    assert [r.month for r in rows if r.completed] == [month]
    assert [r.month for r in rows if r.overdue] == ([] if on_time else [6])
    assert stats.totals(scope, on=dt.date(2024, 12, 31)).on_time == int(on_time)
    ranked = ranking.unit_figures(
        Unit.objects.filter(pk=unit_a.pk), scope, on=dt.date(2024, 12, 31)
    )
    assert ranked.get().on_time == int(on_time)
