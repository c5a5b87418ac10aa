"""The 措施台账: one row per measure, its filters, who may see it, and its query count."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tasks.models import Assignment, Measure, Task
from tests import factories as f
from tests.markup import canonical, soup

S, R = Assignment.Status, Assignment.Role
DAY = dt.date(2024, 5, 10)
URL = "/measures/"


@pytest.fixture
def notice(county):
    return f.notice(county, year=2024)


@pytest.fixture
def rows(notice, unit_a, unit_b, on_day):
    """Measures named for what sets them apart."""
    on_day(DAY)
    t1 = Task.objects.create(
        notice=notice, number="1", chapter="一、压实责任", title="落实责任", order=1
    )
    t2 = Task.objects.create(
        notice=notice, number="2", chapter="二、风险防控", title="排查隐患", order=2
    )
    m = {
        "shared": Measure.objects.create(
            task=t1, text="共同措施：" + "很长的内容" * 30, due_date=dt.date(2024, 6, 30)
        ),
        "late_b": Measure.objects.create(
            task=t1, text="乙单位逾期措施", due_date=dt.date(2024, 4, 30), order=1
        ),
        "soon_a": Measure.objects.create(
            task=t2,
            text="甲单位临期措施",
            due_date=dt.date(2024, 5, 12),
            recurrence="monthly",
            order=2,
        ),
        "nobody": Measure.objects.create(task=t2, text="没有单位的措施", order=3),
        "gone": Measure.objects.create(task=t2, text="已撤销措施", order=4, withdrawn=True),
    }
    f.assignment(m["shared"], unit_a, role=R.LEAD, due=dt.date(2024, 6, 30), status=S.IN_PROGRESS)
    f.assignment(m["shared"], unit_b, role=R.COOPERATE, due=dt.date(2024, 6, 30))
    f.assignment(m["late_b"], unit_b, role=R.LEAD, due=dt.date(2024, 4, 30))
    f.assignment(m["late_b"], unit_a, role=R.COOPERATE, due=dt.date(2024, 4, 30), status=S.DONE)
    f.assignment(m["soon_a"], unit_a, role=R.RESPONSIBLE, due=dt.date(2024, 5, 12), start=DAY)
    f.assignment(m["gone"], unit_b, due=dt.date(2024, 4, 1))  # late, but withdrawn
    return m  # fmt: skip


def _shown(response) -> set[int]:
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def _ids(rows, *names) -> set[int]:
    return {rows[n].pk for n in names}


def test_one_row_per_measure_with_its_units(login, office, rows):
    response = login(office).get(URL)
    assert _shown(response) == _ids(rows, "shared", "late_b", "soon_a", "nobody", "gone")
    html = response.content.decode()
    assert html.count('name="measures"') == 4  # no checkbox on the withdrawn one
    assert "县应急局<small>牵头</small>" in html and "水峪贯镇<small>配合</small>" in html


def test_long_text_is_cut_with_the_full_text_on_hover(login, office, rows):
    html = login(office).get(URL).content.decode()
    full = rows["shared"].text
    assert f'title="{full}"' in html
    assert full[:70] + "…" in html


def test_status_and_light_columns(login, office, rows):
    html = login(office).get(URL, {"q": "乙单位逾期"}).content.decode()
    assert "mstatus-late" in html and ">逾期<" in html and 'class="light red"' in html
    html = login(office).get(URL, {"q": "没有单位"}).content.decode()
    assert '<span class="mstatus mstatus-none">未分配</span>' in html


def test_withdrawn_measure_is_struck_through(login, office, rows):
    html = login(office).get(URL, {"q": "已撤销措施"}).content.decode()
    assert re.search(r'<tr class="[^"]*\bwithdrawn\b', html) and "已撤销" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"role": "lead"}, ("shared", "late_b")),
        ({"status": "done"}, ("late_b",)),
        ({"status": "unassigned"}, ("nobody",)),
        ({"timing": "overdue"}, ("late_b",)),  # not the withdrawn one
        ({"timing": "due_soon"}, ("soon_a",)),
        ({"recurrence": "monthly"}, ("soon_a",)),
        ({"recurrence": "once"}, ("shared", "late_b", "nobody", "gone")),
        ({"chapter": "一、压实责任"}, ("shared", "late_b")),
        ({"q": "临期"}, ("soon_a",)),
        ({"year": "2024"}, ("shared", "late_b", "soon_a", "nobody", "gone")),
        ({"year": "2023"}, ()),
    ],
)
def test_filters(login, office, rows, params, expected):
    assert _shown(login(office).get(URL, params)) == _ids(rows, *expected)


def test_unit_role_and_timing_speak_of_the_same_assignment(login, office, rows, unit_a, unit_b):
    client = login(office)
    assert _shown(client.get(URL, {"unit": unit_a.pk})) == _ids(rows, "shared", "late_b", "soon_a")
    assert _shown(client.get(URL, {"unit": unit_a.pk, "role": "lead"})) == _ids(rows, "shared")
    # late_b is late for 水峪贯镇 but done for 县应急局
    assert _shown(client.get(URL, {"unit": unit_a.pk, "timing": "overdue"})) == set()
    assert _shown(client.get(URL, {"unit": unit_b.pk, "timing": "overdue"})) == _ids(rows, "late_b")


def test_notice_filter(login, office, rows, county):
    other = f.measure(f.notice(county, year=2023, title="去年的通知"), text="去年的措施")
    assert _shown(login(office).get(URL, {"notice": other.task.notice_id})) == {other.pk}


def test_notice_and_year_choices_are_the_visible_notices(
    login, office, rows, notice, county, sibling_county
):
    older = f.notice(county, year=2023, title="2023年通知")
    f.notice(sibling_county, year=2022, title="文水县的通知")
    response = login(office).get(URL, {"notice": older.pk})
    form = response.context["filter"].form
    assert list(form.fields["notice"].choices) == [
        ("", "全部通知"), (notice.pk, notice.title), (older.pk, "2023年通知")
    ]  # fmt: skip
    assert list(form.fields["year"].choices) == [
        ("", "全部年度"),
        (2024, "2024年"),
        (2023, "2023年"),
    ]
    html = response.content.decode()
    assert f'<option value="{older.pk}" selected>2023年通知</option>' in html
    assert "文水县的通知" not in html and "2022年" not in html


def test_missed_monthly_report_counts_as_overdue(login, office, rows, unit_a, on_day):
    monthly = f.measure(rows["shared"].task.notice, text="每月报送", recurrence="monthly")
    f.assignment(monthly, unit_a, start=dt.date(2024, 3, 5))
    assert monthly.pk in _shown(login(office).get(URL, {"timing": "overdue"}))


def test_bad_filter_value_says_so_and_shows_nothing(login, office, rows):
    response = login(office).get(URL, {"unit": "abc", "timing": "someday"})
    assert _shown(response) == set()
    html = response.content.decode()
    assert "筛选条件有误" in html and "选择一个有效的选项" in html


def test_sibling_unit_id_in_filter_is_refused(login, office, rows, sibling_county):
    stranger = f.unit(sibling_county, "文水县应急局")
    response = login(office).get(URL, {"unit": stranger.pk})
    assert _shown(response) == set() and "筛选条件有误" in response.content.decode()


def test_leader_sees_the_list_read_only(login, leader, rows):
    response = login(leader).get(URL)
    assert len(_shown(response)) == 5
    html = response.content.decode()
    assert 'name="measures"' not in html and "bulk-form" not in html and "（只读）" in html


def test_liaison_is_refused(login, liaison_a, rows):
    assert login(liaison_a).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, rows):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_sibling_office_sees_none_of_ours(login, sibling_office, rows):
    response = login(sibling_office).get(URL)
    assert _shown(response) == set()
    assert "乙单位逾期措施" not in response.content.decode()


def test_township_office_sees_only_its_own_notices(login, township_office, township_j, rows):
    own = f.measure(f.notice(township_j, title="水峪贯镇方案"), text="镇里的措施")
    assert _shown(login(township_office).get(URL)) == {own.pk}


def _fill(notice, units, n):
    task = Task.objects.create(notice=notice, number="9", chapter="三、其他", title="其他")
    for i in range(n):
        m = Measure.objects.create(
            task=task, text=f"批量措施{i}", order=i, recurrence="monthly" if i % 2 else ""
        )
        for role, unit in zip((R.LEAD, R.COOPERATE), units, strict=True):
            f.assignment(m, unit, role=role, due=DAY + dt.timedelta(days=i % 9 - 4))  # fmt: skip


@pytest.mark.parametrize("user", ["office", "leader"])
def test_query_count_is_the_same_for_10_and_100_measures(
    request, login, user, notice, unit_a, unit_b, on_day, django_assert_num_queries
):
    on_day(DAY)
    client = login(request.getfixturevalue(user))
    _fill(notice, (unit_a, unit_b), 10)
    client.get(URL)
    # session, user (with role and jurisdiction), notices (choices and years), chapters, count,
    # unit choices (the bulk panel's too), page, assignments; the office: badge, bulk groups
    with django_assert_num_queries(10 if user == "office" else 8) as ten:
        assert len(_shown(client.get(URL, {"per_page": 100}))) == 10
    _fill(notice, (unit_a, unit_b), 90)
    with django_assert_num_queries(len(ten.captured_queries)):
        assert len(_shown(client.get(URL, {"per_page": 100}))) == 100


def test_rows_can_be_sorted_by_due_date(login, office, rows):
    for sort, expected in (("due_date", ["late_b", "shared"]), ("-due_date", ["shared", "late_b"])):
        table = login(office).get(URL, {"sort": sort, "role": "cooperate"}).context["table"]
        assert [row.record.pk for row in table.page.object_list] == [rows[n].pk for n in expected]


def test_an_extended_unit_shows_under_the_due_date(login, office, rows, unit_a):
    Assignment.objects.filter(measure=rows["shared"], unit=unit_a).update(
        due_date=dt.date(2024, 8, 31)
    )
    html = login(office).get(URL, {"q": "共同措施"}).content.decode()
    assert "2024年6月30日" in html and "1个单位时限不同" in html


# ---- the page as it was built before rows replaced the prefetched models ---------------------
# (tasks/tables/measures.py MeasureTable and its view before: Assignment and Unit instances per chip,
# format_html per cell, Django's template widgets). The page must read the same.


def _old_table_class():
    import django_tables2 as tables
    from django.urls import reverse as rev
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from safetyplan.tables import BoundedTable
    from tasks.chips import chips
    from tasks.tables import assignment_light, light_html, measure_light, measure_status
    from tasks.tables.cells import _cn_date

    class OldSelect(tables.CheckBoxColumn):
        def render(self, value, bound_column, record):
            return "" if record.withdrawn else super().render(value, bound_column, record)

    class OldMeasureTable(BoundedTable):
        select = OldSelect(
            accessor="pk",
            attrs={
                "td__input": {
                    "name": "measures",
                    "class": "row-select",
                    "aria-label": "选择此措施",
                },
                "th__input": {"class": "select-all", "title": "全选本页", "aria-label": "全选本页"},
                "th": {"class": "col-select"},
                "td": {"class": "col-select"},
            },
        )
        task = tables.Column(
            "序号/任务",
            order_by=("task__notice__year", "task__notice_id", "task__order", "order", "id"),
            attrs={"td": {"class": "col-task"}},
        )
        text = tables.Column("主要内容", orderable=False, attrs={"td": {"class": "col-text"}})
        units = tables.Column(
            "责任单位", empty_values=(), orderable=False, attrs={"td": {"class": "col-units"}}
        )
        due_date = tables.Column("完成时限", empty_values=(), attrs={"td": {"class": "col-date"}})
        recurrence = tables.Column("周期", empty_values=())
        status = tables.Column("状态", empty_values=(), orderable=False)
        light = tables.Column(
            "", empty_values=(), orderable=False, attrs={"td": {"class": "col-light"}}
        )

        class Meta:
            attrs = {"class": "grid measure-table"}
            row_attrs = {"class": lambda record: "withdrawn" if record.withdrawn else ""}
            empty_text = "没有符合条件的措施。"

        def __init__(self, *args, today, **kwargs):
            super().__init__(*args, **kwargs)
            self.today = today

        def render_task(self, record):
            task = record.task
            return format_html(
                '<a href="{}#task-{}">{}</a><div class="muted small" title="{}">{}</div>',
                rev("notice_detail", args=[task.notice_id]),
                task.pk,
                str(task),
                task.notice.title,
                f"{task.notice.year}年 · {task.notice.title[:14]}…"
                if len(task.notice.title) > 14
                else f"{task.notice.year}年 · {task.notice.title}",
            )

        def render_text(self, record):
            short = record.text if len(record.text) <= 70 else record.text[:70] + "…"
            topic = format_html("<strong>{}：</strong>", record.topic) if record.topic else ""
            gone = '<span class="tag tag-withdrawn">已撤销</span>' if record.withdrawn else ""
            return format_html(
                '<div class="measure-text" title="{}">{}{}</div>{}',
                record.text,
                topic,
                short,
                mark_safe(gone),
            )

        def render_units(self, record):
            return chips(
                [
                    (a, "" if record.withdrawn else assignment_light(a, self.today))
                    for a in record.assignments.all()
                ]
            )

        def render_due_date(self, record):
            other = sum(
                1
                for a in record.assignments.all()
                if a.status != Assignment.Status.DONE and a.due_date != record.due_date
            )
            if not other:
                return _cn_date(record.due_date)
            return format_html(
                '{}<div class="muted small">{}个单位时限不同</div>',
                _cn_date(record.due_date),
                other,
            )

        def render_recurrence(self, record):
            return record.get_recurrence_display() if record.recurrence else "一次性"

        def render_status(self, record):
            status = measure_status(record, self.today)
            css = {"逾期": "late", "已办结": "done", "未分配": "none", "已撤销": "none"}
            return format_html(
                '<span class="mstatus mstatus-{}">{}</span>', css.get(status, "open"), status
            )

        def render_light(self, record):
            light = measure_light(record, self.today)
            return light_html(light) if light else "—"

    return OldMeasureTable


def _old_page(monkeypatch):
    """Make the view build the page as before: prefetched models, the old table, template
    widgets."""
    from django import forms
    from django.db.models import Prefetch
    from django_tables2 import SingleTableMixin

    from safetyplan import widgets
    from tasks import clock
    from tasks.access import visible_measures
    from tasks.views.measures import MeasureListView
    from tasks.views.notices import unit_assignments
    from units.access import get_actor

    def get_queryset(self):
        assignments = Prefetch("assignments", queryset=unit_assignments(clock.today()))
        return (
            visible_measures(get_actor(self.request.user))
            .select_related("task__notice")
            .prefetch_related(assignments)
            .order_by("-task__notice__year", "task__notice_id", "task__order", "order", "id")
        )

    def get_table_kwargs(self):
        kwargs = {"today": clock.today()}
        if not get_actor(self.request.user).is_office:
            kwargs["exclude"] = ("select",)
        return kwargs

    monkeypatch.setattr(MeasureListView, "get_table_data", SingleTableMixin.get_table_data)
    monkeypatch.setattr(MeasureListView, "get_queryset", get_queryset)
    monkeypatch.setattr(MeasureListView, "get_table_kwargs", get_table_kwargs)
    monkeypatch.setattr(MeasureListView, "table_class", _old_table_class())
    monkeypatch.setattr(widgets.ManyOptionsSelect, "render", forms.Select.render)
    monkeypatch.setattr(widgets.FastInputMixin, "render", forms.Widget.render)


def _content(html: str):
    page = soup(html)
    return canonical(page.select_one("main") or page)


@pytest.fixture
def busy(rows, notice, county, unit_a, unit_b):
    """Beside ``rows``: a measure with more units than the chips show, a topic, a missed
    monthly report and an escaped name; a second notice with a long title."""
    task = Task.objects.create(notice=notice, number="3", title="<各乡镇>'落实\"", order=3)
    many = Measure.objects.create(task=task, text='多单位"措施"', topic='重点<工作>"&', order=1)
    for i in range(8):
        unit = f.unit(county, f"乡镇{i}'\"&")
        f.assignment(
            many, unit, role=[R.LEAD, R.COOPERATE, R.RESPONSIBLE][i % 3],
            due=DAY + dt.timedelta(days=i * 3 - 6), status=[S.IN_PROGRESS, S.DONE, S.REQUESTED][i % 3],
        )  # fmt: skip
    monthly = Measure.objects.create(
        task=task, text="每月报送", recurrence="monthly", due_date=DAY, order=2
    )
    f.assignment(monthly, unit_a, role=R.LEAD, start=dt.date(2024, 1, 15), due=dt.date(2024, 12, 1))
    long = f.notice(county, year=2023, title="关于进一步做好安全生产工作的通知（很长的标题）")
    other = Task.objects.create(notice=long, number="", title="", order=1)
    Measure.objects.create(task=other, text="去年的措施", order=1)
    return rows


@pytest.mark.parametrize(
    "who, params",
    [
        ("office", {}),
        ("office", {"sort": "-due_date"}),
        ("office", {"per_page": 2, "page": 2}),
        ("office", {"timing": "overdue", "role": "lead"}),
        ("office", {"status": "in_progress", "year": "2024"}),
        ("office", {"q": "措施", "recurrence": "monthly"}),
        ("office", {"unit": "999999999999"}),  # an error beside the unit filter
        ("leader", {}),
    ],
)
def test_page_reads_as_it_did_with_prefetched_models_and_template_widgets(
    request, login, busy, monkeypatch, who, params
):
    client = login(request.getfixturevalue(who))
    ours = client.get(URL, params)
    assert ours.status_code == 200
    with monkeypatch.context() as m:
        _old_page(m)
        theirs = client.get(URL, params)
    assert _content(ours.content.decode()) == _content(theirs.content.decode())
