"""Bulk actions of the 措施台账: the services, and the view that confirms before assigning."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from tasks import services
from tasks.models import Assignment, Measure
from tests import factories as f

S, R = Assignment.Status, Assignment.Role
URL = "/measures/bulk/"
BACK = "/measures/?notice=1&status=unassigned"


@pytest.fixture
def notice(county):
    return f.notice(county, year=2024)


@pytest.fixture
def m1(notice):
    return f.measure(notice, text="第一条措施", due=dt.date(2024, 6, 30))


@pytest.fixture
def m2(notice):
    return f.measure(notice, text="第二条措施")


@pytest.fixture
def towns(county, unit_b):
    """各乡镇 = 水峪贯镇 and 天宁镇."""
    f.unit(county, "天宁镇", kind="township")
    return f.group(county, "各乡镇", rule="townships")


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _pairs():
    return set(Assignment.objects.values_list("measure__text", "unit__name", "role"))


# ---- services --------------------------------------------------------------------------------


def test_bulk_assign_creates_one_assignment_per_unit_per_measure(m1, m2, unit_a, unit_b, office):
    plans = services.bulk_assign_units(
        measures=[m1, m2], units=[unit_a, unit_b], role=R.LEAD, by=office
    )
    assert _pairs() == {
        ("第一条措施", "县应急局", "lead"), ("第一条措施", "水峪贯镇", "lead"),
        ("第二条措施", "县应急局", "lead"), ("第二条措施", "水峪贯镇", "lead"),
    }  # fmt: skip
    assert sum(len(p.new_units) for p in plans) == 4
    a = Assignment.objects.get(measure=m1, unit=unit_a)
    assert a.due_date == dt.date(2024, 6, 30) and a.assigned_by == office
    assert a.history.first().history_user == office


def test_bulk_assign_skips_units_that_already_have_the_measure(m1, m2, unit_a, unit_b, office):
    f.assignment(m1, unit_a, role=R.COOPERATE)
    plans = services.bulk_assign_units(
        measures=[m1, m2], units=[unit_a, unit_b], role=R.LEAD, by=office
    )
    assert Assignment.objects.filter(measure=m1, unit=unit_a).get().role == R.COOPERATE
    assert Assignment.objects.count() == 4
    assert [u.name for u in plans[0].existing_units] == ["县应急局"]  # fmt: skip


def test_bulk_assign_outside_the_jurisdiction_changes_nothing(
    m1, m2, unit_a, sibling_county, office
):
    stranger = f.unit(sibling_county, "文水县应急局")
    with pytest.raises(ValidationError, match="文水县应急局不属于"):
        services.bulk_assign_units(
            measures=[m1, m2], units=[unit_a, stranger], role=R.LEAD, by=office
        )
    assert not Assignment.objects.exists()  # fmt: skip


def test_bulk_assign_refuses_withdrawn_and_empty(m1, unit_a, office):
    with pytest.raises(ValidationError, match="请先勾选"):
        services.bulk_assign_units(measures=[], units=[unit_a], role=R.LEAD, by=office)
    with pytest.raises(ValidationError, match="请选择要分配的单位"):
        services.bulk_assign_units(measures=[m1], units=[], role=R.LEAD, by=office)
    Measure.objects.filter(pk=m1.pk).update(withdrawn=True)
    m1.refresh_from_db()
    with pytest.raises(ValidationError, match="已撤销"):
        services.bulk_assign_units(measures=[m1], units=[unit_a], role=R.LEAD, by=office)
    assert not Assignment.objects.exists()


def test_set_due_date_updates_measures_and_open_assignments(m1, m2, unit_a, unit_b, office):
    open_a = f.assignment(m1, unit_a, due=dt.date(2024, 6, 30))
    extended = f.assignment(m1, unit_b, due=dt.date(2024, 7, 31))
    Assignment.objects.filter(pk=extended.pk).update(original_due_date=dt.date(2024, 5, 31))
    done = f.assignment(m2, unit_a, due=dt.date(2024, 3, 31), status=S.DONE)
    undated = f.assignment(m2, unit_b)
    new = dt.date(2024, 9, 30)
    assert services.set_due_date(measures=[m1, m2], due_date=new, by=office) == 3
    for m in (m1, m2):
        m.refresh_from_db()
        assert m.due_date == new and m.history.first().history_user == office
    for a in (open_a, extended, done, undated):
        a.refresh_from_db()
    assert (open_a.due_date, open_a.original_due_date) == (new, dt.date(2024, 6, 30))
    assert (extended.due_date, extended.original_due_date) == (new, dt.date(2024, 5, 31))
    assert (done.due_date, done.version) == (dt.date(2024, 3, 31), 1)
    assert (undated.due_date, undated.original_due_date) == (new, new)
    assert open_a.version == 2 and open_a.history.first().history_user == office


def test_set_recurrence(m1, m2, office):
    assert services.set_recurrence(measures=[m1, m2], recurrence="monthly", by=office) == 2
    m1.refresh_from_db()
    assert m1.recurrence == "monthly" and m1.history.first().history_user == office
    assert services.set_recurrence(measures=[m1], recurrence="", by=office) == 1
    with pytest.raises(ValidationError, match="未知的报送周期"):
        services.set_recurrence(measures=[m2], recurrence="hourly", by=office)
    m2.refresh_from_db()
    assert m2.recurrence == "monthly"


# ---- the view: assigning, with a confirmation ------------------------------------------------


def test_first_post_shows_what_groups_become_and_what_is_skipped(
    login, office, m1, m2, unit_a, unit_b, towns
):
    f.assignment(m1, unit_b)
    response = login(office).post(URL, {
        "action": "assign", "measures": [m1.pk, m2.pk], "units": [unit_a.pk],
        "groups": [towns.pk], "role": "lead", "next": BACK,
    })  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>各乡镇</strong>（2 个单位）：水峪贯镇、天宁镇" in html
    assert '<span class="skipped">水峪贯镇</span>' in html
    assert "共新建 <strong>5</strong> 个任务分配" in html
    assert Assignment.objects.count() == 1  # nothing yet


def test_confirming_creates_the_assignments_and_names_the_skipped(
    login, office, m1, m2, unit_a, unit_b
):
    f.assignment(m1, unit_b)
    response = login(office).post(URL, {
        "action": "assign", "confirm": "1", "measures": [m1.pk, m2.pk],
        "units": [unit_a.pk, unit_b.pk], "role": "cooperate", "next": BACK,
    })  # fmt: skip
    assert response.status_code == 302 and response.url == BACK
    assert Assignment.objects.count() == 4
    assert Assignment.objects.get(measure=m2, unit=unit_a).role == R.COOPERATE
    assert "新建 3 个任务分配" in _messages(
        response
    ) and "已有该措施而跳过：水峪贯镇（1条）" in _messages(response)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"action": "assign", "units": ["U"], "role": "lead"}, "请先勾选要操作的措施"),
        ({"action": "assign", "measures": ["M"], "role": "lead"}, "请选择要分配的单位或单位群组"),
        ({"action": "assign", "measures": ["M"], "units": ["U"]}, "请选择单位角色"),
        ({"action": "due_date", "measures": ["M"], "due_date": "2024-13-45"}, "日期格式不正确"),
        ({"action": "due_date", "measures": ["M"], "due_date": "明天"}, "日期格式不正确"),
        ({"action": "due_date", "measures": ["M"]}, "请填写完成时限"),
        ({"action": "recurrence", "measures": ["M"]}, "请选择报送周期"),
        ({"action": "recurrence", "measures": ["M"], "recurrence": "daily"}, "无效"),
        ({"action": "destroy", "measures": ["M"]}, "选择一个有效的选项"),
    ],
)
def test_invalid_input_is_explained_and_changes_nothing(login, office, m1, unit_a, data, says):
    data = {k: [m1.pk if v == "M" else unit_a.pk if v == "U" else v for v in vals] if isinstance(vals, list) else vals
            for k, vals in data.items()}  # fmt: skip
    response = login(office).post(URL, {**data, "next": BACK})
    assert response.status_code == 302 and response.url == BACK
    assert says in _messages(response) and "未做任何修改" in _messages(response)
    m1.refresh_from_db()
    assert (
        not Assignment.objects.exists()
        and m1.due_date == dt.date(2024, 6, 30)
        and m1.recurrence == ""
    )


def test_measure_of_another_jurisdiction_smuggled_in_changes_nothing(
    login, office, m1, unit_a, sibling_county
):
    theirs = f.measure(j=sibling_county, text="文水县的措施")
    response = login(office).post(URL, {
        "action": "due_date", "measures": [m1.pk, theirs.pk], "due_date": "2024-09-30",
    })  # fmt: skip
    assert "不在您管辖范围内" in _messages(response)
    m1.refresh_from_db()
    theirs.refresh_from_db()
    assert m1.due_date == dt.date(2024, 6, 30) and theirs.due_date is None


def test_unit_of_another_jurisdiction_smuggled_in_is_refused(login, office, m1, sibling_county):
    stranger = f.unit(sibling_county, "文水县应急局")
    response = login(office).post(URL, {
        "action": "assign", "confirm": "1", "measures": [m1.pk], "units": [stranger.pk], "role": "lead",
    })  # fmt: skip
    assert "不在您管辖范围内" in _messages(response)
    assert not Assignment.objects.exists()


def test_county_unit_cannot_be_given_a_township_measure(login, office, township_j, unit_a):
    theirs = f.measure(f.notice(township_j, title="水峪贯镇方案"), text="镇里的措施")
    response = login(office).post(URL, {
        "action": "assign", "measures": [theirs.pk], "units": [unit_a.pk], "role": "lead",
    })  # fmt: skip
    assert response.status_code == 302
    assert "县应急局不属于《水峪贯镇方案》的行政区划" in _messages(response)
    assert not Assignment.objects.exists()


def test_withdrawn_measure_is_refused(login, office, m1):
    Measure.objects.filter(pk=m1.pk).update(withdrawn=True)
    response = login(office).post(
        URL, {"action": "recurrence", "measures": [m1.pk], "recurrence": "monthly"}
    )
    assert "已撤销" in _messages(response)
    m1.refresh_from_db()
    assert m1.recurrence == ""


def test_set_due_date_through_the_view(login, office, m1, m2, unit_a):
    a = f.assignment(m1, unit_a, due=dt.date(2024, 6, 30))
    response = login(office).post(
        URL, {"action": "due_date", "measures": [m1.pk, m2.pk], "due_date": "2024年9月30日"}
    )
    assert response.status_code == 302 and response.url == reverse("measure_list")
    assert "完成时限设为2024年9月30日" in _messages(response)
    a.refresh_from_db()
    assert a.due_date == dt.date(2024, 9, 30) and a.original_due_date == dt.date(2024, 6, 30)
    assert Measure.objects.get(pk=m2.pk).history.first().history_user == office


def test_set_recurrence_once_through_the_view(login, office, m1):
    Measure.objects.filter(pk=m1.pk).update(recurrence="monthly")
    response = login(office).post(
        URL, {"action": "recurrence", "measures": [m1.pk], "recurrence": "once"}
    )
    assert "一次性" in _messages(response)
    assert Measure.objects.get(pk=m1.pk).recurrence == ""


def test_next_pointing_elsewhere_is_ignored(login, office, m1):
    response = login(office).post(URL, {
        "action": "recurrence", "measures": [m1.pk], "recurrence": "monthly", "next": "https://evil.example/",
    })  # fmt: skip
    assert response.url == reverse("measure_list")


# ---- who may ---------------------------------------------------------------------------------


def test_leader_cannot_write(login, leader, m1, unit_a):
    response = login(leader).post(URL, {"action": "assign", "confirm": "1", "measures": [m1.pk],
                                        "units": [unit_a.pk], "role": "lead"})  # fmt: skip
    assert response.status_code == 403 and not Assignment.objects.exists()


def test_liaison_cannot_write(login, liaison_a, m1, unit_a):
    response = login(liaison_a).post(
        URL, {"action": "due_date", "measures": [m1.pk], "due_date": "2024-09-30"}
    )
    assert response.status_code == 403
    assert Measure.objects.get(pk=m1.pk).due_date == dt.date(2024, 6, 30)


def test_anonymous_is_sent_to_login(client, m1):
    response = client.post(
        URL, {"action": "due_date", "measures": [m1.pk], "due_date": "2024-09-30"}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Measure.objects.get(pk=m1.pk).due_date == dt.date(2024, 6, 30)


def test_sibling_office_cannot_touch_our_measures(login, sibling_office, m1):
    response = login(sibling_office).post(
        URL, {"action": "recurrence", "measures": [m1.pk], "recurrence": "monthly"}
    )
    assert response.status_code == 302 and "不在您管辖范围内" in _messages(response)
    assert Measure.objects.get(pk=m1.pk).recurrence == ""


def test_get_is_not_allowed(login, office):
    assert login(office).get(URL).status_code == 405


def test_office_list_has_the_bulk_form(login, office, m1, unit_a, towns):
    html = login(office).get(reverse("measure_list")).content.decode()
    assert 'id="bulk-form"' in html and f'name="measures" value="{m1.pk}"' in html
    assert "各乡镇" in html and 'value="assign"' in html
