"""Notices: the list with its counts and one notice with its chapters, tasks and measures."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import Assignment, Measure, Notice, Task
from tests import factories as f

S, R = Assignment.Status, Assignment.Role
DAY = dt.date(2024, 5, 10)


@pytest.fixture
def notice(county):
    return f.notice(county, year=2024, title="关于做好2024年安全生产工作的通知")


@pytest.fixture
def filled(notice, unit_a, unit_b, on_day):
    """Two chapters; a late measure (县应急局 牵头, 水峪贯镇 配合), one done, one withdrawn."""
    on_day(DAY)
    t1 = Task.objects.create(
        notice=notice, number="1", chapter="一、压实责任", title="落实党政责任", order=1
    )
    t2 = Task.objects.create(
        notice=notice, number="2", chapter="二、风险防控", title="排查隐患", order=2
    )
    late = Measure.objects.create(
        task=t1, text="每月召开安委会会议研究安全生产。", due_date=dt.date(2024, 3, 31)
    )
    f.assignment(late, unit_a, role=R.LEAD, due=dt.date(2024, 3, 31))
    f.assignment(late, unit_b, role=R.COOPERATE, due=dt.date(2024, 3, 31))
    done = Measure.objects.create(task=t2, text="开展隐患排查整治行动。", order=1)
    f.assignment(done, unit_b, status=S.DONE)
    gone = Measure.objects.create(task=t2, text="已撤销的旧措施内容。", order=2, withdrawn=True)
    f.assignment(gone, unit_a, due=dt.date(2024, 1, 31))  # late, but no longer followed up
    return notice  # fmt: skip


def _many(notice, unit, n):
    task = Task.objects.create(notice=notice, number="9", chapter="三、其他", title="其他")
    for i in range(n):
        m = Measure.objects.create(
            task=task, text=f"措施{i}", order=i, recurrence="monthly" if i % 2 else ""
        )
        f.assignment(m, unit, role=R.LEAD, due=DAY - dt.timedelta(days=i % 3))  # fmt: skip


# ---- list ------------------------------------------------------------------------------------


def test_office_sees_notice_list_with_counts(login, office, filled):
    response = login(office).get(reverse("notice_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "关于做好2024年安全生产工作的通知" in html
    row = response.context["table"].rows[0].record
    assert (row.measure_count, row.assignment_count, row.overdue_count) == (2, 3, 2)
    assert f"?notice={filled.pk}&amp;timing=overdue" in html


def test_notice_list_filters_by_year(login, office, filled, county):
    f.notice(county, year=2023, title="关于做好2023年安全生产工作的通知")
    html = login(office).get(reverse("notice_list"), {"year": 2023}).content.decode()
    assert "2023年安全生产工作的通知" in html and "2024年安全生产工作的通知" not in html


def test_notice_list_bad_year_says_so_in_chinese(login, office, filled):
    response = login(office).get(reverse("notice_list"), {"year": "abc"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()
    assert len(response.context["table"].rows) == 0


def test_sibling_office_does_not_see_our_notices(login, sibling_office, filled):
    html = login(sibling_office).get(reverse("notice_list")).content.decode()
    assert "2024年安全生产工作的通知" not in html


def test_township_office_does_not_see_county_notice(login, township_office, filled):
    html = login(township_office).get(reverse("notice_list")).content.decode()
    assert "2024年安全生产工作的通知" not in html
    response = login(township_office).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, filled):
    for url in (reverse("notice_list"), reverse("notice_detail", args=[filled.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_liaison_cannot_open_notice_pages(login, liaison_a, filled):
    client = login(liaison_a)
    assert client.get(reverse("notice_list")).status_code == 403
    assert client.get(reverse("notice_detail", args=[filled.pk])).status_code == 403


def test_notice_list_query_count_does_not_grow(
    login, office, county, unit_a, django_assert_num_queries
):
    client = login(office)
    for i in range(10):
        _many(f.notice(county, title=f"通知{i}"), unit_a, 2)
    client.get(reverse("notice_list"))  # warm the session
    with django_assert_num_queries(6) as ten:
        assert len(client.get(reverse("notice_list")).context["table"].rows) == 10
    for i in range(90):
        f.notice(county, title=f"另一份通知{i}")
    with django_assert_num_queries(len(ten.captured_queries)):
        response = client.get(reverse("notice_list"), {"per_page": 100})
        assert len(response.context["table"].page.object_list) == 100  # fmt: skip


def test_notice_list_does_not_read_each_notices_parse(login, office, county):
    # An imported notice keeps its whole confirmed parse: tens of kilobytes of JSON to decode
    # for every row of the list, which shows none of it.
    notice = f.notice(county, title="导入的通知")
    Notice.objects.filter(pk=notice.pk).update(parse={"tasks": [{"text": "措施" * 5000}]})
    client = login(office)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("notice_list"))
    assert "导入的通知" in response.text
    listed = [q["sql"] for q in seen if '"tasks_notice"."title"' in q["sql"]]
    assert listed and not any('"tasks_notice"."parse"' in sql for sql in listed)


# ---- detail ----------------------------------------------------------------------------------


def test_detail_shows_chapters_tasks_and_units_by_role(login, office, filled):
    response = login(office).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    chapter_2 = html.index('<h2 id="chapter-2">二、风险防控</h2>')
    assert (
        html.index('<h2 id="chapter-1">一、压实责任</h2>') < html.index("落实党政责任") < chapter_2
    )
    assert 'class="chip role-lead chip-late"' in html and "县应急局<small>牵头</small>" in html
    assert 'class="chip role-cooperate chip-late"' in html
    assert "2024年3月31日前" in html


def test_detail_shows_status_and_lights(login, office, filled):
    html = login(office).get(reverse("notice_detail", args=[filled.pk])).content.decode()
    assert '<span class="mstatus mstatus-late">逾期</span>' in html
    assert '<span class="mstatus mstatus-done">已办结</span>' in html
    assert 'class="light red"' in html and 'class="light green"' in html


def test_withdrawn_measure_is_struck_through_not_hidden(login, office, filled):
    html = login(office).get(reverse("notice_detail", args=[filled.pk])).content.decode()
    assert "已撤销的旧措施内容。" in html
    start = html.index("已撤销的旧措施内容。")
    assert 'class="withdrawn"' in html[html.rindex("<li", 0, start) : start]
    item = html[start : html.index("</li>", start)]
    assert "县应急局<small>负责</small>" in item and "light red" not in item
    summary = login(office).get(reverse("notice_detail", args=[filled.pk])).context["summary"]
    assert summary == {"measures": 2, "unassigned": 0, "red": 1, "done": 1, "withdrawn": 1}


def test_leader_reads_detail_without_office_links(login, leader, filled):
    response = login(leader).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 200
    assert "批量分配" not in response.content.decode()


def test_leader_cannot_post_to_notice_detail(login, leader, filled):
    response = login(leader).post(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 405


def test_sibling_office_gets_404_on_our_notice(login, sibling_office, filled):
    response = login(sibling_office).get(reverse("notice_detail", args=[filled.pk]))
    assert response.status_code == 404
    assert "落实党政责任" not in response.content.decode()


def test_detail_query_count_does_not_grow(
    login, office, notice, unit_a, on_day, django_assert_num_queries
):
    on_day(DAY)
    client = login(office)
    url = reverse("notice_detail", args=[notice.pk])
    _many(notice, unit_a, 10)
    client.get(url)
    with django_assert_num_queries(7) as ten:
        assert client.get(url).content.decode().count('id="measure-') == 10
    _many(notice, unit_a, 90)
    with django_assert_num_queries(len(ten.captured_queries)):
        assert client.get(url).content.decode().count('id="measure-') == 100


def test_notice_list_sorts_by_overdue_count(login, office, filled, county):
    f.notice(county, year=2025, title="没有逾期的通知")
    table = login(office).get(reverse("notice_list"), {"sort": "-overdue_count"}).context["table"]
    assert [row.record.overdue_count for row in table.page.object_list] == [2, 0]


# ---- the page built in Python (tasks/notice_html.py) writes what the templates did ----------

# templates/tasks/notice_detail.html and tasks/partials/notice_measures.html before the
# measures were written in Python, the partial inlined where it was included.
OLD_MEASURES = """<ol class="measures notice-measures">
{% for m in measures %}
  <li id="measure-{{ m.pk }}"{% if m.withdrawn %} class="withdrawn" title="此措施已在通知修订后撤销，保留记录"{% endif %}>
    <div class="measure-row">
      <div class="measure-body">
        <span class="measure-words">{% if m.topic %}<strong>{{ m.topic }}：</strong>{% endif %}{{ m.text }}</span>
        {% if m.withdrawn %}<span class="tag tag-withdrawn">已撤销</span>{% endif %}
        <div class="meta">
          {% for a, light in m.unit_chips %}{% unit_chip a light %}{% empty %}<span class="muted">未分配单位</span>{% endfor %}
        </div>
      </div>
      <div class="measure-side">
        <span class="tag">{% if m.recurrence %}{{ m.get_recurrence_display }}{% else %}一次性{% endif %}</span>
        <span class="due">{% if m.due_date %}{{ m.due_date|date:"Y年n月j日" }}前{% else %}未设时限{% endif %}</span>
        <span class="mstatus{% if m.status_label == '逾期' %} mstatus-late{% elif m.status_label == '已办结' %} mstatus-done{% endif %}">{{ m.status_label }}</span>
        {% if m.light_value %}{% include "partials/light.html" with light=m.light_value %}{% endif %}
      </div>
    </div>
  </li>
{% endfor %}
</ol>"""
OLD_PAGE = (
    """{% extends "base.html" %}{% load unit_chips %}
{% block title %}{{ notice.title }} · 安全生产工作督办系统{% endblock %}
{% block content %}
<p class="crumbs"><a href="{% url 'notice_list' %}">通知</a> ›</p>
<h1>{{ notice.title }}</h1>
<p class="muted">{% if notice.doc_number %}{{ notice.doc_number }} · {% endif %}{% if notice.issuer %}{{ notice.issuer }} · {% endif %}{% if notice.issued_on %}{{ notice.issued_on|date:"Y年n月j日" }} · {% endif %}{{ notice.jurisdiction }} · {{ notice.get_kind_display }} · {{ notice.year }}年度</p>
<div class="tiles notice-tiles">
  <a class="tile" href="{% url 'measure_list' %}?notice={{ notice.pk }}"><span class="num">{{ summary.measures }}</span>措施</a>
  <a class="tile{% if summary.unassigned %} yellow{% endif %}" href="{% url 'measure_list' %}?notice={{ notice.pk }}&amp;status=unassigned"><span class="num">{{ summary.unassigned }}</span>未分配单位</a>
  <a class="tile{% if summary.red %} red{% endif %}" href="{% url 'measure_list' %}?notice={{ notice.pk }}&amp;timing=overdue"><span class="num">{{ summary.red }}</span>有逾期的措施</a>
  <a class="tile green" href="{% url 'measure_list' %}?notice={{ notice.pk }}&amp;status=done"><span class="num">{{ summary.done }}</span>全部办结</a>
  {% if summary.withdrawn %}<div class="tile"><span class="num">{{ summary.withdrawn }}</span>已撤销</div>{% endif %}
</div>
<p class="legend muted">单位颜色：<span class="chip role-lead">牵头</span> <span class="chip role-cooperate">配合</span> <span class="chip role-responsible">负责</span>　灯：{% include "partials/light.html" with light="red" %} 逾期　{% include "partials/light.html" with light="yellow" %} 临期或进度滞后　{% include "partials/light.html" with light="green" %} 正常{% if actor.is_office %}　·　<a href="{% url 'measure_list' %}?notice={{ notice.pk }}">到措施台账中批量分配单位、设定时限</a>{% endif %}</p>
{% regroup tasks by chapter as chapters %}
{% if chapters|length > 1 %}
<nav class="toc"><strong>目录：</strong>{% for chapter in chapters %}<a href="#chapter-{{ forloop.counter }}">{{ chapter.grouper|default:"（未分部分）" }}</a>{% endfor %}</nav>
{% endif %}
{% for chapter in chapters %}
  <h2 id="chapter-{{ forloop.counter }}">{{ chapter.grouper|default:"" }}</h2>
  {% for task in chapter.list %}
  <section class="task" id="task-{{ task.pk }}">
    <h3>{{ task }}</h3>
    {% with measures=task.measures.all %}"""
    + OLD_MEASURES
    + """{% endwith %}
  </section>
  {% endfor %}
{% empty %}
  <p class="muted">这份通知还没有任务。</p>
{% endfor %}
{% endblock %}"""
)


def _old_context(notice, today) -> dict:
    """The context the view built before: model instances, prefetched and decorated."""
    from django.db.models import Prefetch

    from tasks.tables import assignment_light, measure_light, measure_status
    from tasks.views.notices import unit_assignments

    measures = Measure.objects.order_by("order", "id").prefetch_related(
        Prefetch("assignments", queryset=unit_assignments(today))
    )
    tasks = list(
        notice.tasks.order_by("order", "id").prefetch_related(Prefetch("measures", measures))
    )
    summary = {"measures": 0, "unassigned": 0, "red": 0, "done": 0, "withdrawn": 0}
    for task in tasks:
        for m in task.measures.all():
            m.status_label = measure_status(m, today)
            m.light_value = measure_light(m, today)
            m.unit_chips = [
                (a, "" if m.withdrawn else assignment_light(a, today)) for a in m.assignments.all()
            ]
            if m.withdrawn:
                summary["withdrawn"] += 1
                continue
            summary["measures"] += 1
            summary["unassigned"] += not m.unit_chips
            summary["red"] += m.light_value == "red"
            summary["done"] += m.status_label == S.DONE.label
    return {"notice": notice, "tasks": tasks, "summary": summary, "today": today}


def _same_page(html: str) -> str:
    """Whitespace runs as one space; the CSRF token is random on every rendering."""
    import re

    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html)
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def varied(notice, county, unit_a, unit_b, on_day, liaison_a):
    """Every status, role, light and recurrence; topics and names that need escaping; a
    measure without units, withdrawn ones, a task without measures, two chapters and none."""
    from tasks import services

    on_day(DAY)
    notice.doc_number, notice.issuer, notice.issued_on = "县安委〔2024〕1号", "县安委会", DAY
    notice.save()
    odd = f.unit(county, "县<局>'&\"")
    t1 = Task.objects.create(notice=notice, number="1", chapter="一、<压实>责任", order=1)
    t2 = Task.objects.create(notice=notice, number="", chapter="", title="无编号", order=2)
    Task.objects.create(notice=notice, number="3", chapter="一、<压实>责任", order=3)
    statuses, roles = list(S.values), list(R.values)
    recurrences = ["", "weekly", "monthly", "quarterly", "semiannual", "yearly"]
    for i in range(24):
        m = Measure.objects.create(
            task=t1 if i % 3 else t2,
            text=f"措施<{i}>&'\"" * (1 + i % 2),
            topic="专项<整治>" if i % 4 == 0 else "",
            order=24 - i,
            recurrence=recurrences[i % 6],
            due_date=DAY + dt.timedelta(days=i - 8) if i % 5 else None,
            withdrawn=i % 11 == 10,
        )
        if i % 7 == 6:
            continue  # no unit
        for j, u in enumerate((unit_a, unit_b, odd)[: 1 + i % 3]):
            a = f.assignment(
                m,
                u,
                role=roles[(i + j) % 3],
                status=statuses[(i + j) % 4],
                start=DAY - dt.timedelta(days=100 + 10 * i),
                due=DAY + dt.timedelta(days=3 * (i + j) - 20) if (i + j) % 4 else None,
            )
            if i % 4 == 1 and a.status in (S.NOT_STARTED, S.IN_PROGRESS):
                services.report_progress(assignment=a, author=liaison_a, text="进展", percent=15)
    return notice


@pytest.mark.parametrize("who", ["office", "leader"])
def test_detail_writes_what_the_old_templates_did(request, login, varied, who):
    from django.template import RequestContext, Template

    user = request.getfixturevalue(who)
    response = login(user).get(reverse("notice_detail", args=[varied.pk]))
    old = Template(OLD_PAGE).render(
        RequestContext(response.wsgi_request, _old_context(varied, DAY))
    )
    assert 'class="light yellow"' in old and "chip-late" in old and "未分配单位" in old
    assert _same_page(response.content.decode()) == _same_page(old)
    assert response.context["summary"] == _old_context(varied, DAY)["summary"]


def test_detail_without_tasks_writes_what_the_old_templates_did(login, office, notice):
    from django.template import RequestContext, Template

    response = login(office).get(reverse("notice_detail", args=[notice.pk]))
    old = Template(OLD_PAGE).render(
        RequestContext(response.wsgi_request, _old_context(notice, DAY))
    )
    assert "这份通知还没有任务" in old
    assert _same_page(response.content.decode()) == _same_page(old)
