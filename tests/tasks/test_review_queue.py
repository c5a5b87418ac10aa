"""The office's review queue: completion requests and pending extension requests, and the nav badge."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Prefetch
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from tasks import services
from tasks.models import Assignment, Evidence, ExtensionRequest, ProgressReport
from tests import factories as f
from units.access import get_actor
from units.context_processors import review_count, roles

URL = "/reviews/"
S = Assignment.Status


def _pdf(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def request_completion(
    assignment, author, text="已全部完成，附会议纪要。", percent=100, files=None
):
    return services.report_progress(
        assignment=assignment,
        author=author,
        text=text,
        percent=percent,
        files=[_pdf()] if files is None else files,
        completion=True,
    )


def request_extension(assignment, author, to=dt.date(2024, 8, 31), reason="汛期施工受阻"):
    return services.request_extension(
        assignment=assignment, by=author, requested_date=to, reason=reason
    )


@pytest.fixture
def requested(county, unit_a, liaison_a):
    a = f.assignment(
        f.measure(j=county, text="开展危化品企业专项检查。"), unit_a, due=dt.date(2024, 6, 30)
    )
    request_completion(a, liaison_a)
    return a


@pytest.fixture
def pending_extension(county, unit_b, liaison_b):
    a = f.assignment(
        f.measure(j=county, text="完成地质灾害隐患点排查。"), unit_b, due=dt.date(2024, 6, 30)
    )
    return request_extension(a, liaison_b)


def test_office_sees_completion_request_with_report_percent_and_evidence(login, office, requested):
    response = login(office).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "开展危化品企业专项检查。" in html
    assert "县应急局" in html
    assert "已全部完成，附会议纪要。" in html
    assert "100%" in html
    assert "会议纪要.pdf" in html
    assert reverse("review_decide", args=[requested.pk]) in html


def test_office_sees_pending_extension_with_all_dates_and_reason(login, office, pending_extension):
    html = login(office).get(URL).content.decode()
    assert "完成地质灾害隐患点排查。" in html
    assert "水峪贯镇" in html
    assert "2024年6月30日" in html  # current and original date
    assert "2024年8月31日" in html  # requested date
    assert "汛期施工受阻" in html
    assert reverse("extension_decide", args=[pending_extension.pk]) in html


def test_original_date_is_shown_after_an_earlier_approved_extension(
    login, office, pending_extension, liaison_b
):
    services.decide_extension(extension=pending_extension, by=office, approve=True)
    second = request_extension(pending_extension.assignment, liaison_b, to=dt.date(2024, 10, 31))
    html = login(office).get(URL).content.decode()
    table = html.split('id="extension-queue"')[1]
    assert "2024年8月31日" in table  # current date after the first extension
    assert "2024年6月30日" in table  # original date, kept for assessment
    assert "2024年10月31日" in table
    assert reverse("extension_decide", args=[second.pk]) in table


def test_completion_requests_are_listed_oldest_first(login, office, county, liaison_a, unit_a):
    newer = f.assignment(f.measure(j=county, text="较新的申请措施"), unit_a)
    older = f.assignment(f.measure(j=county, text="较早的申请措施"), unit_a)
    request_completion(newer, liaison_a)
    request_completion(older, liaison_a)
    Assignment.objects.filter(pk=older.pk).update(
        latest_report_at=timezone.now() - dt.timedelta(days=3)
    )
    html = login(office).get(URL).content.decode()
    assert html.index("较早的申请措施") < html.index("较新的申请措施")


def test_only_waiting_requests_are_listed(login, office, county, unit_a, liaison_a, requested):
    f.assignment(f.measure(j=county, text="推进中的措施"), unit_a, status=S.IN_PROGRESS)
    done = f.assignment(f.measure(j=county, text="已办结的措施"), unit_a)
    request_completion(done, liaison_a)
    services.review_completion(assignment=done, reviewer=office, accept=True)
    refused = request_extension(
        f.assignment(f.measure(j=county, text="延期未批准的措施"), unit_a, due=dt.date(2024, 6, 1)),
        liaison_a,
    )
    services.decide_extension(extension=refused, by=office, approve=False, note="不符合条件")
    html = login(office).get(URL).content.decode()
    assert "开展危化品企业专项检查。" in html
    assert "推进中的措施" not in html
    assert "已办结的措施" not in html
    assert "延期未批准的措施" not in html


def test_newest_completion_report_is_shown_after_a_return(login, office, liaison_a, requested):
    services.review_completion(assignment=requested, reviewer=office, accept=False, reason="缺照片")
    request_completion(requested, liaison_a, text="已补充现场照片。", files=[_pdf("现场照片.pdf")])
    html = login(office).get(URL).content.decode()
    assert "已补充现场照片。" in html and "现场照片.pdf" in html
    assert "已全部完成，附会议纪要。" not in html


def test_empty_queue_says_so_in_chinese(login, office):
    html = login(office).get(URL).content.decode()
    assert "没有等待审核的办结申请" in html
    assert "没有等待审批的延期申请" in html


def test_filter_by_unit_narrows_both_sections(login, office, requested, pending_extension, unit_a):
    html = login(office).get(URL, {"unit": unit_a.pk}).content.decode()
    assert "开展危化品企业专项检查。" in html
    assert "完成地质灾害隐患点排查。" not in html


def test_invalid_unit_filter_shows_chinese_error_and_lists_nothing(login, office, requested):
    response = login(office).get(URL, {"unit": "不存在"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "所选单位无效" in html
    assert "开展危化品企业专项检查。" not in html


def test_leader_reads_the_queue_without_action_buttons(login, leader, requested, pending_extension):
    response = login(leader).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "开展危化品企业专项检查。" in html and "完成地质灾害隐患点排查。" in html
    assert reverse("review_decide", args=[requested.pk]) not in html
    assert reverse("extension_decide", args=[pending_extension.pk]) not in html
    assert "只读" in html


def test_liaison_is_refused(login, liaison_a, requested):
    assert login(liaison_a).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, requested):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sibling_office_sees_none_of_our_requests(
    login, sibling_office, requested, pending_extension
):
    response = login(sibling_office).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "开展危化品企业专项检查。" not in html
    assert "完成地质灾害隐患点排查。" not in html


def test_township_office_sees_its_own_requests_not_the_county_ones(
    login, township_office, township_j, liaison_a, requested
):
    village = f.unit(township_j, "水峪贯村", kind="village")
    clerk = f.user("village_liaison", role=f.ROLE_LIAISON, j=township_j, u=village)
    own = f.assignment(f.measure(j=township_j, text="村级隐患自查。"), village)
    request_completion(own, clerk)
    html = login(township_office).get(URL).content.decode()
    assert "村级隐患自查。" in html
    assert "开展危化品企业专项检查。" not in html


def test_unit_filter_offers_only_units_in_reach(
    login, sibling_office, sibling_county, unit_a, requested
):
    f.unit(sibling_county, "文水县应急局")
    html = login(sibling_office).get(URL).content.decode()
    assert "文水县应急局" in html
    assert ">县应急局</option>" not in html


def _fill(county, units, liaison_of, n):
    for i in range(n):
        unit = units[i % len(units)]
        a = f.assignment(f.measure(j=county, text=f"措施{i}"), unit, due=dt.date(2024, 6, 30))
        request_completion(a, liaison_of[unit.pk])
        b = f.assignment(f.measure(j=county, text=f"延期措施{i}"), unit, due=dt.date(2024, 6, 30))
        request_extension(b, liaison_of[unit.pk])


@pytest.mark.parametrize("rows", [10, 100])
def test_query_count_does_not_grow_with_rows(
    rows, login, office, county, unit_a, unit_b, liaison_a, liaison_b, django_assert_num_queries
):
    _fill(county, [unit_a, unit_b], {unit_a.pk: liaison_a, unit_b.pk: liaison_b}, rows)
    client = login(office)
    # session, user (with role and jurisdiction), unit choices,
    # requests: count, page, reports, evidence; extensions: count, page
    # (the badge adds up the two counts: no query of its own)
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    shown = min(rows, 25)
    assert response.content.decode().count('class="button small accept"') == shown


# ---- the nav badge -----------------------------------------------------------------------------


def _badge(html):
    nav = html.split('class="nav"')[1].split("</nav>")[0]
    if 'class="badge"' not in nav:
        return None
    return int(nav.split('class="badge">')[1].split("<")[0])


def test_badge_counts_completion_and_extension_requests_in_reach(
    login, office, county, unit_a, liaison_a, requested, pending_extension
):
    both = f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30))
    request_extension(both, liaison_a)
    request_completion(both, liaison_a)
    decided = request_extension(
        f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30)), liaison_a
    )
    services.decide_extension(extension=decided, by=office, approve=False, note="不批准")
    # requested + pending_extension + both (a request and an extension) = 4
    assert _badge(login(office).get(URL).content.decode()) == 4


@pytest.mark.parametrize("unit", ["a", "b", "bad"])
def test_badge_counts_everything_waiting_while_the_queue_is_filtered(
    login, office, unit_a, unit_b, requested, pending_extension, unit
):
    value = {"a": unit_a.pk, "b": unit_b.pk, "bad": "abc"}[unit]
    assert _badge(login(office).get(URL, {"unit": value}).content.decode()) == 2


def test_badge_is_gone_when_nothing_waits(login, office, requested):
    services.review_completion(assignment=requested, reviewer=office, accept=True)
    assert _badge(login(office).get(URL).content.decode()) is None


def test_sibling_office_badge_does_not_count_our_requests(
    login, sibling_office, requested, pending_extension
):
    assert _badge(login(sibling_office).get(URL).content.decode()) is None


def test_leader_gets_no_badge(login, leader, requested):
    assert _badge(login(leader).get(URL).content.decode()) is None


def test_badge_costs_one_query_for_the_office(office, requested, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = office
    get_actor(office)  # the role is looked up once per request anyway
    with django_assert_num_queries(1):
        assert int(str(roles(request)["review_count"])) == 1


@pytest.mark.parametrize("who", ["leader", "liaison_a", "sibling_office"])
def test_badge_costs_no_query_for_others_and_counts_only_reach(
    who, request, requested, pending_extension, django_assert_num_queries
):
    user = request.getfixturevalue(who)
    actor = get_actor(user)
    with django_assert_num_queries(0 if who != "sibling_office" else 1):
        assert review_count(actor) == 0


def test_badge_counts_for_it_admin(it_admin, requested, pending_extension):
    assert review_count(get_actor(it_admin)) == 2


@pytest.mark.parametrize(
    "table, columns",
    [
        ("tasks_assignment", ["status", "latest_report_at", "id"]),
        ("tasks_extensionrequest", ["status", "created_at", "id"]),
    ],
)
def test_queue_orders_have_an_index(db, table, columns):
    """Both queues list one status oldest first: an index in that order lets the database
    read the first page instead of sorting every request of a province (60 ms → 5 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert any(c["index"] and c["columns"] == columns for c in constraints.values())


# ---- the cells that were templates are built in Python: the same markup ---------------------

# The templates of the TemplateColumns the two tables had (tasks/partials/review_*.html).
OLD_REPORT_CELL = """{% with report=record.completion_reports.0 %}{% if report %}
<div class="review-text">{{ report.text|linebreaksbr }}</div>
<div class="review-meta">
  <span class="percent"><progress max="100" value="{{ report.percent }}"></progress> {{ report.percent }}%</span>
  <span class="muted small">{{ report.author.get_full_name|default:report.author.get_username }} · {{ report.created_at|date:"Y年n月j日 H:i" }}</span>
</div>
{% if report.evidence.all %}<ul class="evidence-list">{% for e in report.evidence.all %}{% url 'evidence_download' e.pk as eu %}
  <li>{% if eu %}<a href="{{ eu }}">{{ e.original_name }}</a>{% else %}{{ e.original_name }}{% endif %} <span class="muted small">{{ e.size|filesizeformat }}</span></li>{% endfor %}
</ul>{% else %}<div class="muted small">未附佐证材料</div>{% endif %}
{% else %}<span class="muted">（未找到办结申请记录）</span>{% endif %}{% endwith %}
"""
OLD_QUEUE_ACTIONS = """<form method="post" action="{% url 'review_decide' record.pk %}" class="review-quick">{% csrf_token %}
  <input type="hidden" name="version" value="{{ record.version }}">
  <button type="submit" name="decision" value="accept" class="button small accept">办结</button>
</form>
<a href="{% url 'review_decide' record.pk %}" class="review-return-link">退回或查看详情</a>
"""
OLD_EXTENSION_ACTIONS = """<a href="{% url 'extension_decide' record.pk %}" class="button small">审批</a>
"""


def _by_template(table, record, value, bound_column, bound_row):
    """The TemplateColumn's own rendering, as when the table had no ``render_<name>``."""
    column = bound_column.column
    assert isinstance(column.template_code, str)
    return column.render(
        record=record, table=table, value=value, bound_column=bound_column, bound_row=bound_row
    )


def _old_measure(assignment):
    measure = assignment.measure
    text = measure.text if len(measure.text) <= 90 else measure.text[:90] + "…"
    return format_html(
        '<div class="review-measure" title="{}">{}</div><div class="muted small">{} · {}</div>',
        measure.text,
        text,
        measure.task.notice.title,
        measure.task,
    )


def _old_unit(assignment):
    return format_html(
        '<strong>{}</strong><br><span class="chip role-{}">{}</span>',
        assignment.unit.name,
        assignment.role,
        assignment.get_role_display(),
    )


def _old_day(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _old_due(assignment):
    due = _old_day(assignment.due_date)
    original = assignment.original_due_date
    if original and original != assignment.due_date:
        return format_html('{}<div class="muted small">原定 {}</div>', due, _old_day(original))
    return due


def _old_tables():
    """The two tables as they were: TemplateColumns, and cells made with format_html."""
    import django_tables2 as tables

    from tasks.tables import CompletionQueueTable, ExtensionQueueTable

    cell = {"td": {"class": "review-actions-cell"}}

    class OldCompletionQueueTable(CompletionQueueTable):
        report = tables.TemplateColumn(
            verbose_name="办结申请（进展情况 · 进度 · 佐证材料）",
            template_code=OLD_REPORT_CELL,
            orderable=False,
        )
        actions = tables.TemplateColumn(
            verbose_name="审核", template_code=OLD_QUEUE_ACTIONS, orderable=False, attrs=cell
        )

        class Meta(CompletionQueueTable.Meta):
            pass

        # a table's render_<name> wins over its column's: the templates must render here
        render_report = _by_template
        render_actions = _by_template

        def render_unit(self, record):
            return _old_unit(record)

        def render_measure(self, record):
            return _old_measure(record)

        def render_due(self, record):
            return _old_due(record)

    class OldExtensionQueueTable(ExtensionQueueTable):
        actions = tables.TemplateColumn(
            verbose_name="审批", template_code=OLD_EXTENSION_ACTIONS, orderable=False, attrs=cell
        )

        class Meta(ExtensionQueueTable.Meta):
            pass

        render_actions = _by_template

        def render_unit(self, record):
            return _old_unit(record.assignment)

        def render_measure(self, record):
            return _old_measure(record.assignment)

        def render_requested_date(self, value):
            return format_html("<strong>{}</strong>", _old_day(value))

        def render_reason(self, record):
            return format_html(
                '<div class="review-text">{}</div><div class="muted small">申请人：{}</div>',
                record.reason,
                record.requested_by.get_full_name() or record.requested_by.get_username(),
            )

    return OldCompletionQueueTable, OldExtensionQueueTable


def _models(table) -> list[Assignment]:
    """The rows shown, as the model instances the old tables read (the page's rows are light
    objects, tasks/review_rows.py), with their completion requests as the view prefetched
    them: newest first, with author and files."""
    evidence = Evidence.objects.only("report", "original_name", "size")
    reports = (
        ProgressReport.objects.filter(kind=ProgressReport.Kind.COMPLETION)
        .select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("-created_at", "-id")
    )
    pks = [row.record.pk for row in table.paginated_rows]
    found = (
        Assignment.objects.select_related("unit", "measure__task__notice")
        .prefetch_related(Prefetch("reports", queryset=reports, to_attr="completion_reports"))
        .in_bulk(pks)
    )
    return [found[pk] for pk in pks]


def _extension_models(table) -> list[ExtensionRequest]:
    pks = [row.record.pk for row in table.paginated_rows]
    related = ("assignment__unit", "assignment__measure__task__notice", "requested_by")
    found = ExtensionRequest.objects.select_related(*related).in_bulk(pks)
    return [found[pk] for pk in pks]


def _table_html(table) -> str:
    """The table as the page writes it, in the page's context (one CSRF token for all rows)."""
    import re

    from django.template import Context

    from safetyplan import table_html

    request = RequestFactory().get(URL)
    context = Context({"request": request, "csrf_token": "t0ken<&>"})
    return re.sub(r"\s+", " ", str(table_html.render_table(table, context)))


def test_the_tables_are_the_markup_of_the_templates_they_replaced(
    login, office, county, unit_a, unit_b, liaison_a, liaison_b, requested, pending_extension
):
    from django.contrib.auth import get_user_model

    # a text with lines and markup, an author without a name, files of every size and name
    text = "第一行：<检查>&整改\r\n第二行\r第三行\n\n第五行"
    files = [
        SimpleUploadedFile("照片<1>&.pdf", b"%PDF-1.4\n" + b"x" * 2000, "application/pdf"),
        SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n" + b"x" * 300, "application/pdf"),
    ]
    a = f.assignment(
        f.measure(j=county, text="<b>长</b>措施" * 30), unit_b, due=dt.date(2024, 7, 1)
    )
    request_completion(a, liaison_b, text=text, percent=95, files=files)
    get_user_model().objects.filter(pk=liaison_b.pk).update(first_name="", last_name="")
    Assignment.objects.filter(pk=a.pk).update(original_due_date=dt.date(2024, 6, 1))
    unit_b.name = "乡镇<应急>&办"
    unit_b.save()
    bare = f.assignment(f.measure(j=county, text="无佐证"), unit_a, due=dt.date(2024, 8, 1))
    ProgressReport.objects.create(  # made before evidence was required
        assignment=bare,
        author=liaison_a,
        kind=ProgressReport.Kind.COMPLETION,
        text="完成",
        percent=100,
    )
    lost = f.assignment(f.measure(j=county, text="无申请记录"), unit_a)
    Assignment.objects.filter(pk__in=[bare.pk, lost.pk]).update(status=S.REQUESTED)
    later = f.assignment(f.measure(j=county, text="延期"), unit_a, due=dt.date(2024, 8, 1))
    request_extension(later, liaison_a, reason="原因<一>\n原因二")

    response = login(office).get(URL)
    completion, extension = response.context["table"], response.context["extension_table"]
    rows = _models(completion)
    assert len(rows) == 4
    extensions = _extension_models(extension)
    assert len(extensions) == 2
    old_completion, old_extension = _old_tables()
    ours = _table_html(completion)
    assert ours == _table_html(old_completion(rows))
    assert _table_html(extension) == _table_html(old_extension(extensions, prefix="ext-"))
    for seen in ("第一行：&lt;检查&gt;&amp;整改<br>第二行<br>第三行<br><br>第五行", "liaison_b ·",
                 "照片&lt;1&gt;&amp;.pdf", "未附佐证材料", "（未找到办结申请记录）",
                 'value="t0ken&lt;&amp;&gt;"', "原定 2024年6月1日", "乡镇&lt;应急&gt;&amp;办"):  # fmt: skip
        assert seen in ours, seen


def test_a_leaders_tables_are_the_old_markup_without_actions(
    login, leader, requested, pending_extension
):
    response = login(leader).get(URL)
    completion, extension = response.context["table"], response.context["extension_table"]
    old_completion, old_extension = _old_tables()
    rows, extensions = _models(completion), _extension_models(extension)
    ours = _table_html(completion)
    assert ours == _table_html(old_completion(rows, exclude=("actions",)))
    assert "review-quick" not in ours
    old = old_extension(extensions, prefix="ext-", exclude=("actions",))
    assert _table_html(extension) == _table_html(old)


def test_the_rows_are_read_afresh_on_every_visit(
    login, office, requested, pending_extension, unit_a, unit_b
):
    client = login(office)

    def shown(**params):
        response = client.get(URL, params)
        return (
            [row.record.pk for row in response.context["table"].paginated_rows],
            [row.record.pk for row in response.context["extension_table"].paginated_rows],
        )

    assert shown() == ([requested.pk], [pending_extension.pk])
    assert shown(unit=unit_a.pk) == ([requested.pk], [])
    assert shown(unit=unit_b.pk) == ([], [pending_extension.pk])
    Assignment.objects.filter(pk=requested.pk).update(status=S.DONE)
    ExtensionRequest.objects.filter(pk=pending_extension.pk).update(status="approved")
    assert shown() == ([], [])
    assert shown(unit=unit_a.pk) == ([], [])
