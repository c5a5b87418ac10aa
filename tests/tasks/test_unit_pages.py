"""The unit list (单位) and the unit page: figures, assignments, reports, history."""

import datetime as dt

import pytest
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, Measure, ProgressReport
from tests import factories as f

D = dt.date
S = Assignment.Status
ON = D(2024, 7, 1)
LIST = "/units/"


def _detail(unit) -> str:
    return reverse("unit_detail", args=[unit.pk])


@pytest.fixture
def data(county, unit_a, unit_b, office, liaison_a, on_day):
    """县应急局: one overdue, one behind 序时进度 (30% on 1 July of a yearly task), one extended
    from 20 July to 31 August and half done (on schedule); 水峪贯镇: one on schedule."""
    on_day(ON)
    n = f.notice(county, year=2024)
    late = f.assignment(
        f.measure(n, text="开展危化品专项检查"), unit_a, start=D(2024, 1, 1), due=D(2024, 6, 1)
    )
    behind = f.assignment(
        f.measure(n, text="组织全县应急演练"), unit_a, start=D(2024, 1, 1), due=D(2024, 12, 31)
    )
    services.report_progress(assignment=behind, author=liaison_a, text="已制定演练方案", percent=30)
    extended = f.assignment(
        f.measure(n, text="完成隐患排查台账"), unit_a, start=D(2024, 6, 1), due=D(2024, 7, 20)
    )
    ext = services.request_extension(
        assignment=extended, by=liaison_a, requested_date=D(2024, 8, 31), reason="设备未到"
    )
    services.decide_extension(extension=ext, by=office, approve=True)
    services.report_progress(assignment=extended, author=liaison_a, text="已排查过半", percent=50)
    other = f.assignment(
        f.measure(n, text="乡镇安全检查"), unit_b, start=D(2024, 6, 25), due=D(2024, 12, 31)
    )
    return {"late": late, "behind": behind, "extended": extended, "other": other}


# ---- unit list ----------------------------------------------------------------------------


def test_unit_list_anonymous_goes_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unit_list_shows_every_unit_with_figures(login, office, data, county):
    f.unit(county, "县住建局")
    response = login(office).get(LIST)
    assert response.status_code == 200
    rows = {r.record.name: r.record for r in response.context["table"].page.object_list}
    assert set(rows) == {"县应急局", "水峪贯镇", "县住建局"}  # with or without assignments
    a = rows["县应急局"]
    assert (a.assigned, a.late, a.behind, a.light_rank) == (3, 1, 1, 2)
    assert rows["县住建局"].assigned == 0
    assert _detail(rows["县应急局"]) in response.text


def test_unit_list_sorts(login, office, data):
    response = login(office).get(LIST, {"sort": "assigned"})
    names = [r.record.name for r in response.context["table"].page.object_list]
    assert names == ["水峪贯镇", "县应急局"]
    response = login(office).get(LIST, {"sort": "-light"})
    assert response.context["table"].page.object_list[0].record.name == "县应急局"


def test_unit_list_filters_by_name_or_alias(login, office, data):
    response = login(office).get(LIST, {"q": "应急管理局"})
    rows = [r.record for r in response.context["table"].page.object_list]
    assert [u.name for u in rows] == ["县应急局"]
    assert rows[0].assigned == 3  # an alias match does not multiply the figures


def test_unit_list_bad_input_says_so_and_lists_nothing(login, office, data):
    response = login(office).get(LIST, {"kind": "planet"})
    assert response.status_code == 200
    assert "查询条件有误" in response.text
    assert len(response.context["table"].page.object_list) == 0


def test_unit_list_is_closed_to_liaisons(login, liaison_a, data):
    assert login(liaison_a).get(LIST).status_code == 403


def test_unit_list_leader_reads_but_cannot_write(login, leader, data):
    client = login(leader)
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, {"q": "x"}).status_code == 405


def test_unit_list_sibling_office_sees_only_its_own_units(login, sibling_office, data):
    response = login(sibling_office).get(LIST)
    assert response.status_code == 200
    assert "县应急局" not in response.text and "水峪贯镇" not in response.text


@pytest.mark.parametrize("size", [10, 100])
def test_unit_list_query_count(login, office, county, on_day, size, django_assert_num_queries):
    on_day(ON)
    n = f.notice(county, year=2024)
    for i in range(size):
        f.assignment(f.measure(n), f.unit(county, f"单位{i:03d}"), due=D(2024, 6, 1 + i % 28))
    client = login(office)
    client.get(LIST)
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert len(response.context["table"].page.object_list) == min(size, 50)


# ---- unit page ----------------------------------------------------------------------------


def test_unit_page_anonymous_goes_to_login(client, unit_a):
    response = client.get(_detail(unit_a))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_office_sees_everything_assigned_to_the_unit(login, office, data, unit_a):
    response = login(office).get(_detail(unit_a))
    assert response.status_code == 200
    html = response.text
    for text in ("开展危化品专项检查", "组织全县应急演练", "完成隐患排查台账"):
        assert text in html
    assert "乡镇安全检查" not in html  # another unit's
    lights = {r.record.measure.text: r.record.light_rank for r in response.context["table"].rows}
    assert lights == {"开展危化品专项检查": 2, "组织全县应急演练": 1, "完成隐患排查台账": 0}
    assert "落后序时进度20个百分点" in html
    assert "原定2024年7月20日，已延期" in html and "2024年8月31日" in html
    totals = response.context["totals"]
    assert (totals.assigned, totals.late, totals.behind) == (3, 1, 1)


def test_unit_page_shows_reports_and_history(login, office, liaison_a, data, unit_a):
    services.report_progress(assignment=data["behind"], author=liaison_a, text="更正", percent=30)
    html = login(office).get(_detail(unit_a)).text
    assert "报送进展；进度仍为30%" in html  # a new report, the same percent
    assert "已制定演练方案" in html and "30%" in html
    assert "县应急局" in html
    # Who changed what: the report moved the status and the percent; the extension the date.
    assert "状态：未启动 → 推进中" in html
    assert "报送进展；状态：未启动 → 推进中；进度：0% → 30%" in html
    assert "完成时限：2024年7月20日 → 2024年8月31日" in html
    assert "liaison_a" in html and "office" in html


def test_unit_page_sorts_by_due_date(login, office, data, unit_a):
    response = login(office).get(_detail(unit_a), {"sort": "-due_date"})
    texts = [r.record.measure.text for r in response.context["table"].rows]
    assert texts == ["组织全县应急演练", "完成隐患排查台账", "开展危化品专项检查"]


def test_liaison_sees_their_own_unit(login, liaison_a, data, unit_a):
    response = login(liaison_a).get(_detail(unit_a))
    assert response.status_code == 200
    assert "组织全县应急演练" in response.text


def test_liaison_cannot_see_other_unit(login, liaison_b, data, unit_a):
    response = login(liaison_b).get(_detail(unit_a))
    assert response.status_code == 404
    assert "开展危化品专项检查" not in response.text


def test_sibling_office_gets_404(login, sibling_office, data, unit_a):
    assert login(sibling_office).get(_detail(unit_a)).status_code == 404


def test_township_office_gets_404_for_a_county_unit(login, township_office, data, unit_a):
    assert login(township_office).get(_detail(unit_a)).status_code == 404


def test_leader_reads_the_unit_page_but_cannot_write(login, leader, data, unit_a):
    client = login(leader)
    response = client.get(_detail(unit_a))
    assert response.status_code == 200
    assert 'method="post"' not in response.text.split("</header>")[1]
    assert client.post(_detail(unit_a), {"status": "done"}).status_code == 405
    assert Assignment.objects.filter(unit=unit_a, status=S.DONE).count() == 0


def test_unit_page_bad_input_is_explained(login, office, data, unit_a):
    response = login(office).get(_detail(unit_a), {"status": "finished", "year": "2024"})
    assert response.status_code == 200
    assert "查询条件有误" in response.text
    assert len(response.context["table"].rows) == 3  # the bad filter is not applied


def test_unit_page_filters_by_status_and_year(login, office, data, unit_a, county):
    f.assignment(f.measure(f.notice(county, year=2023), text="去年的任务"), unit_a)
    client = login(office)
    assert "去年的任务" not in client.get(_detail(unit_a)).text  # latest year by default
    assert "去年的任务" in client.get(_detail(unit_a), {"year": "2023"}).text
    response = client.get(_detail(unit_a), {"status": "in_progress"})
    texts = {r.record.measure.text for r in response.context["table"].rows}
    assert texts == {"组织全县应急演练", "完成隐患排查台账"}  # the overdue one was never started


def test_unknown_unit_is_404(login, office, data):
    assert login(office).get("/units/999999/").status_code == 404


@pytest.mark.parametrize("size", [10, 100])
def test_unit_page_query_count(
    login, office, county, unit_a, liaison_a, on_day, size, django_assert_num_queries
):
    on_day(ON)
    n = f.notice(county, year=2024)
    for i in range(size):
        a = f.assignment(
            f.measure(n, recurrence="monthly" if i % 3 == 0 else ""),
            unit_a,
            start=D(2024, 1, 1),
            due=D(2024, 6, 1 + i % 28) if i % 2 else D(2024, 12, 31),
        )
        if i % 5 == 0:
            services.report_progress(assignment=a, author=liaison_a, text=f"进展{i}", percent=40)
    client = login(office)
    client.get(_detail(unit_a))
    with django_assert_num_queries(10):
        response = client.get(_detail(unit_a))
    assert len(response.context["table"].page.object_list) == min(size, 50)
    assert len(response.context["history"]) == min(20, size + (size + 4) // 5)


# ---- what the page works out itself: the same as the rules and templates it replaced --------


@pytest.fixture
def varied(county, unit_a, liaison_a, on_day):
    """Every status and recurrence; due dates past, today, within 7 days, later and none;
    reports in some periods and not others; percents behind and ahead of 序时进度."""
    on_day(ON)
    n = f.notice(county, year=2024)
    recurrences = ["", "weekly", "monthly", "quarterly", "semiannual", "yearly"]
    dues = [None, D(2024, 6, 1), ON, D(2024, 7, 4), D(2024, 7, 7), D(2024, 7, 8), D(2024, 12, 31)]
    made = []
    for i in range(42):
        a = f.assignment(
            f.measure(n, text=f"措施<{i}>&'\"" * (1 + 20 * (i % 2)), recurrence=recurrences[i % 6]),
            unit_a,
            start=D(2024, 1, 1) + dt.timedelta(days=9 * (i % 7)),
            due=dues[i % 7],
        )
        if i % 3:
            services.report_progress(
                assignment=a,
                author=liaison_a,
                text="进展",
                percent=(20 * i) % 100,
                period_start=D(2024, 6, 3) - dt.timedelta(days=40 * (i % 4)),
            )
        made.append(a)
    for i, a in enumerate(made[::5]):
        Assignment.objects.filter(pk=a.pk).update(status=list(S.values)[i % 4])
    Measure.objects.filter(assignments__in=made[1::4]).update(withdrawn=True)
    # Due within 7 days but ahead of 序时进度: yellow for the date alone.
    Assignment.objects.filter(pk__in=[a.pk for a in made[2::7] + made[3::7]]).update(
        latest_percent=100
    )
    return Assignment.objects.filter(unit=unit_a)


def test_light_rank_is_that_of_stats_and_of_the_model(varied):
    from tasks import stats
    from tasks.unit_rows import with_light_rank as _with_light_rank

    ours = dict(_with_light_rank(varied, on=ON).values_list("pk", "light_rank"))
    theirs = dict(stats.with_light_rank(varied, on=ON).values_list("pk", "light_rank"))
    assert ours == theirs and set(ours.values()) == {0, 1, 2}
    rank = {"red": 2, "yellow": 1, "green": 0}
    model = {a.pk: rank[a.light(ON)] for a in varied.prefetch_related("reports")}
    assert ours == model


# tasks/partials/stats_percent.html (with assignment_percent.html inlined) and
# tasks/partials/assignment_due.html, as the table rendered them before its cells were built
# in Python.
OLD_PERCENT = (
    '<span class="percent"><progress max="100" value="{{ assignment.latest_percent }}">'
    "{{ assignment.latest_percent }}%</progress> {{ assignment.latest_percent }}%</span>"
    '{% if assignment.latest_report_at %}<div class="muted small">'
    '{{ assignment.latest_report_at|date:"n月j日" }}报送</div>{% else %}'
    '<div class="muted small">尚未报送</div>{% endif %}'
    '{% if lag %}<div class="lag">落后序时进度{{ lag }}个百分点</div>{% endif %}'
)
OLD_DUE = (
    '{% if assignment.due_date %}<div class="due-cell"><span class="due">'
    '{{ assignment.due_date|date:"Y年n月j日" }}</span>{% if due.late %}'
    '<span class="due-note red">逾期{{ due.late }}天</span>{% elif due.left == 0 %}'
    '<span class="due-note yellow">今天到期</span>{% elif due.left %}'
    '<span class="due-note yellow">还有{{ due.left }}天</span>{% endif %}{% if due.extended %}'
    '<div class="muted small">原定{{ assignment.original_due_date|date:"Y年n月j日" }}，已延期'
    '</div>{% endif %}</div>{% else %}<span class="muted">未设时限</span>{% endif %}'
)


def test_percent_and_due_cells_are_what_the_templates_wrote(varied):
    from django.template import Context, Template
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from tasks.tables import UnitAssignmentsTable, due_info
    from tasks.unit_rows import with_light_rank as _with_light_rank

    rows = list(_with_light_rank(varied, on=ON).select_related("measure__task__notice"))
    # A report at 16:30 UTC: the day shown is Beijing's (1 July), not UTC's.
    late_evening = dt.datetime(2024, 6, 30, 16, 30, tzinfo=dt.UTC)
    rows[0].latest_report_at, rows[1].latest_report_at = late_evening, None
    rows[2].original_due_date = D(2024, 5, 1)  # extended
    table = UnitAssignmentsTable([], today=ON)
    lags = set()
    for a in rows:
        lag = a.schedule_lag(ON) if a.light_rank != 2 else 0
        lags.add(bool(lag))
        old = Template(OLD_PERCENT).render(Context({"assignment": a, "lag": lag}))
        assert str(table.render_latest_percent(a)) == old
        due = due_info(a, ON)
        old = Template(OLD_DUE).render(Context({"assignment": a, "due": due, "today": ON}))
        assert str(table.render_due_date(a)) == old
        assert str(table.render_measure(a)) == format_html(
            '<a href="{}">{}</a><div class="muted small">{} · {}</div>{}',
            reverse("assignment_detail", args=[a.pk]),
            a.measure.text if len(a.measure.text) <= 80 else a.measure.text[:80] + "…",
            a.measure.task.notice.title,
            a.measure.task,
            mark_safe('<span class="tag">已撤销</span>') if a.measure.withdrawn else "",
        )
        assert str(table.render_role(a)) == format_html(
            '<span class="chip role-{}">{}</span>', a.role, a.get_role_display()
        )
        assert str(table.render_status(a)) == format_html(
            '<span class="status status-{}">{}</span>', a.status, a.get_status_display()
        )
    assert lags == {True, False}
    assert {a.measure.withdrawn for a in rows} == {True, False}
    assert {len(a.measure.text) > 80 for a in rows} == {True, False}
    assert "7月1日报送" in str(table.render_latest_percent(rows[0]))


def test_history_compiled_once_is_the_history_of_the_models(data, unit_a, liaison_a):
    from tasks.views.workbench import unit_history

    services.report_progress(assignment=data["behind"], author=liaison_a, text="更正", percent=45)
    Assignment.objects.filter(pk=data["late"].pk).update(status=S.IN_PROGRESS)  # no history
    f.assignment(f.measure(data["late"].measure.task.notice, text="<新>任务"), unit_a)
    mine = Assignment.objects.filter(unit=unit_a)

    def seen(history: list[dict]) -> list[tuple]:
        return [
            (
                h["record"].history_id,
                h["record"].history_date,
                h["record"].history_user and h["record"].history_user.get_full_name(),
                h["record"].history_user and h["record"].history_user.get_username(),
                h["record"].measure.text,
                h["changes"],
            )
            for h in history
        ]

    models = seen(unit_history(mine, limit=5))
    assert len(models) == 5 and {row[3] for row in models} >= {"liaison_a", None}
    assert seen(unit_history(mine, limit=5, key="k")) == models  # compiled
    assert seen(unit_history(mine, limit=5, key="k")) == models  # run again


def test_reports_compiled_once_are_the_reports_of_the_models(data, unit_a, liaison_a):
    from tasks.models import Evidence
    from tasks.views.workbench import unit_reports

    liaison_a.first_name, liaison_a.last_name = "小", "李"
    liaison_a.save()
    r = services.report_progress(
        assignment=data["late"], author=liaison_a, text="<已完成>" * 30, percent=100
    )
    ProgressReport.objects.filter(pk=r.pk).update(kind=ProgressReport.Kind.COMPLETION)
    for name in ("a.pdf", "b.jpg"):
        Evidence.objects.create(report=r, file=f"x/{name}", original_name=name)
    mine = Assignment.objects.filter(unit=unit_a)

    def seen(reports: list) -> list[tuple]:
        return [
            (r.pk, r.created_at, r.kind, r.percent, r.text, r.evidence_count,
             r.author.get_full_name(), r.author.get_username(), r.assignment.measure.text)
            for r in reports
        ]  # fmt: skip

    models = seen(unit_reports(unit_a, mine, limit=3))
    assert len(models) == 3 and models[0][2:6] == ("completion", 100, "<已完成>" * 30, 2)
    assert seen(unit_reports(unit_a, mine, limit=3, key="k")) == models  # compiled
    assert seen(unit_reports(unit_a, mine, limit=3, key="k")) == models  # run again


# The 最近报送 and 变更记录 blocks of templates/tasks/unit_detail.html before they were built in
# Python (tasks/unit_html.py).
OLD_REPORTS = """      {% if reports %}
      <table class="grid unit-reports">
        <thead><tr><th>报送时间</th><th>措施</th><th>进度</th><th>进展情况</th><th>报送人</th></tr></thead>
        <tbody>
        {% for r in reports %}
          <tr>
            <td data-label="报送时间">{{ r.created_at|date:"Y年n月j日 H:i" }}{% if r.kind == "completion" %}<div><span class="tag">申请办结</span></div>{% endif %}</td>
            <td data-label="措施">{{ r.assignment.measure.text|truncatechars:40 }}</td>
            <td data-label="进度">{{ r.percent }}%</td>
            <td data-label="进展情况">{{ r.text|truncatechars:80 }}{% if r.evidence_count %}<div class="muted small">佐证材料{{ r.evidence_count }}份</div>{% endif %}</td>
            <td data-label="报送人">{{ r.author.get_full_name|default:r.author.get_username }}</td>
          </tr>
        {% endfor %}
        </tbody>
      </table>
      {% else %}<p class="muted">本单位尚未报送进展。</p>{% endif %}"""
OLD_HISTORY = """      {% if history %}
      <table class="grid unit-history">
        <thead><tr><th>时间</th><th>操作人</th><th>措施</th><th>变更</th></tr></thead>
        <tbody>
        {% for h in history %}
          <tr>
            <td data-label="时间">{{ h.record.history_date|date:"Y年n月j日 H:i" }}</td>
            <td data-label="操作人">{% if h.record.history_user %}{{ h.record.history_user.get_full_name|default:h.record.history_user.get_username }}{% else %}<span class="muted">系统</span>{% endif %}</td>
            <td data-label="措施">{{ h.record.measure.text|truncatechars:30 }}</td>
            <td data-label="变更">{{ h.changes|join:"；" }}</td>
          </tr>
        {% endfor %}
        </tbody>
      </table>
      {% else %}<p class="muted">暂无变更记录。</p>{% endif %}"""


def _spaced(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.mark.parametrize("empty", [False, True])
def test_reports_and_history_are_what_the_template_wrote(
    login, office, data, unit_a, liaison_a, empty
):
    from django.template import Context, Template

    from tasks.models import Evidence
    from tasks.unit_html import history_html, reports_html

    if not empty:
        liaison_a.first_name, liaison_a.last_name = "小<李>", ""
        liaison_a.save()
        r = services.report_progress(
            assignment=data["late"], author=liaison_a, text="<已完成>&" * 30, percent=100
        )
        ProgressReport.objects.filter(pk=r.pk).update(kind=ProgressReport.Kind.COMPLETION)
        Evidence.objects.create(report=r, file="x/a.pdf", original_name="a.pdf")
        f.assignment(f.measure(data["late"].measure.task.notice, text="<新>&任务" * 9), unit_a)
    unit = unit_a if not empty else f.unit(unit_a.jurisdiction, "县空单位")
    response = login(office).get(_detail(unit))
    reports, history = response.context["reports"], response.context["history"]
    assert (len(reports), len(history)) == ((0, 0) if empty else (3, 8))
    context = Context({"reports": reports, "history": history})
    old_reports = Template(OLD_REPORTS).render(context)
    old_history = Template(OLD_HISTORY).render(context)
    assert _spaced(reports_html(reports)) == _spaced(old_reports)
    assert _spaced(history_html(history)) == _spaced(old_history)
    page = _spaced(response.text)
    assert _spaced(old_reports) in page and _spaced(old_history) in page
    if not empty:
        assert "系统" in old_history
        assert "佐证材料1份" in old_reports
        assert 10 < old_reports.count("&lt;已完成&gt;") < 30  # truncated


@pytest.mark.parametrize("params", [{}, {"sort": "due_date"}, {"page": 2}])
def test_assignments_table_reads_as_it_did_from_model_instances(
    login, office, unit_a, varied, monkeypatch, params
):
    """The page's rows are light objects (tasks/unit_rows.py): the same table as the model
    instances, with their notice, gave."""
    from tasks import unit_rows

    def models(ranked):
        found = (
            Assignment.objects.select_related("measure__task__notice")
            .only(*unit_rows.FIELDS)
            .in_bulk([pk for pk, _ in ranked])
        )
        for pk, rank in ranked:
            found[pk].light_rank = rank
        return [found[pk] for pk, _ in ranked]

    client = login(office)
    ours = client.get(_detail(unit_a), params)
    with monkeypatch.context() as m:
        m.setattr(unit_rows, "_fetch", models)
        theirs = client.get(_detail(unit_a), params)
    table = ours.content.decode().split('<table class="grid cards unit-assignments"')[1]
    assert "&gt;&amp;&#x27;&quot;</a>" in table
    assert table == theirs.content.decode().split('<table class="grid cards unit-assignments"')[1]


def _lit_rows(response) -> list[tuple[int, dt.date | None]]:
    table = response.context["table"]
    return [(row.record.light_rank, row.record.due_date) for row in table.paginated_rows]


def test_assignments_come_red_first_then_by_due_date_undated_last(login, office, unit_a, varied):
    client = login(office)
    rows = _lit_rows(client.get(_detail(unit_a), {"per_page": 100}))
    assert len(rows) > 20 and {rank for rank, _ in rows} == {0, 1, 2}
    lights = [rank for rank, _ in rows]
    assert lights == sorted(lights, reverse=True)  # red (2), yellow (1), green (0)
    for light in (0, 1, 2):
        dues = [due for rank, due in rows if rank == light]
        dated = [due for due in dues if due is not None]
        assert dues == sorted(dated) + [None] * (len(dues) - len(dated))


@pytest.mark.parametrize("sort", ["due_date", "-due_date"])
def test_sorting_by_due_date_puts_undated_last_either_way(login, office, unit_a, varied, sort):
    rows = _lit_rows(login(office).get(_detail(unit_a), {"per_page": 100, "sort": sort}))
    dues = [due for _, due in rows]
    dated = [due for due in dues if due is not None]
    assert dated == sorted(dated, reverse=sort.startswith("-"))
    assert dues == dated + [None] * (len(dues) - len(dated))
