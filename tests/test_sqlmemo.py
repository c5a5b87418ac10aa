"""safetyplan.sqlmemo: the figures' SQL compiled once per inputs, the rows read afresh."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from safetyplan import sqlmemo
from tasks import stats
from tasks.access import visible_assignments, visible_units
from tasks.models import Assignment, Unit
from tests import factories as f
from units.access import get_actor

TODAY = dt.date(2026, 11, 23)
S = Assignment.Status


@pytest.fixture
def load(db, on_day):
    on_day(TODAY)
    call_command("generate_load", scale="county", tiny=True, today=TODAY, verbosity=0)


def _office():
    from django.contrib.auth import get_user_model

    return get_actor(get_user_model().objects.get(username="c001_office"))


def _figures(unit: Unit) -> tuple:
    return tuple(
        getattr(unit, name)
        for name in ("pk", "name", "is_active", "assigned", "done", "late", "due_soon", "behind")
    ) + tuple(getattr(unit, name) for name in ("on_time", "expected", "light_rank"))


def test_kept_sql_gives_what_the_queryset_gives(load):
    actor = _office()
    assignments = stats.scope(visible_assignments(actor), year=2026)
    units = visible_units(actor)
    direct = sorted(
        _figures(u) for u in stats.unit_figures(units, assignments, on=TODAY).filter(assigned__gt=0)
    )
    first = stats.unit_figure_rows(units, assignments, on=TODAY, key="county")
    again = stats.unit_figure_rows(units, assignments, on=TODAY, key="county")
    assert sorted(map(_figures, first)) == direct == sorted(map(_figures, again))
    # Converted as the ORM converts them: a rate is a float on PostgreSQL too, not a Decimal.
    assert {type(u.completion_rate) for u in again} == {float}
    assert {type(u.is_active) for u in again} == {bool}
    assert stats.totals(assignments, on=TODAY, key="county") == stats.totals(
        assignments, on=TODAY, key="county"
    )
    assert stats.totals(assignments, on=TODAY, key="county") == stats.totals(assignments, on=TODAY)
    assert stats.by_month(assignments, year=2026, on=TODAY, key="county") == stats.by_month(
        assignments, year=2026, on=TODAY
    )


def test_only_the_sql_is_kept_a_change_shows_at_once(load):
    actor = _office()
    assignments = stats.scope(visible_assignments(actor), year=2026)
    before = stats.totals(assignments, on=TODAY, key="county")
    open_ = assignments.exclude(status=S.DONE).first()
    open_.status, open_.completed_at = S.DONE, dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    open_.save(update_fields=["status", "completed_at"])
    after = stats.totals(assignments, on=TODAY, key="county")
    assert after.done == before.done + 1


def test_the_second_request_does_not_build_the_figures_again(load, client, monkeypatch):
    client.force_login(_office().user)
    first = client.get(reverse("workbench"))
    assert first.status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("the figures' query was built again")

    monkeypatch.setattr(stats, "unit_figures", refuse)
    monkeypatch.setattr(stats.rules, "late", refuse)  # totals' and by_month's expressions
    second = client.get(reverse("workbench"))
    assert second.status_code == 200
    assert [r.record.pk for r in second.context["table"].page.object_list] == [
        r.record.pk for r in first.context["table"].page.object_list
    ]
    assert second.context["totals"] == first.context["totals"]


def test_another_scope_or_day_is_compiled_for_itself(load, client, on_day):
    client.force_login(_office().user)
    client.get(reverse("workbench"))
    kept = len(sqlmemo._memo)
    assert kept == 4  # the unit figures, the totals, two by month
    client.get(reverse("workbench") + "?year=2025")
    on_day(TODAY + dt.timedelta(days=1))
    client.get(reverse("workbench"))
    assert len(sqlmemo._memo) == kept * 3


def test_a_build_that_reads_the_database_is_not_kept(db, county):
    f.unit(county, "县应急局")

    def build():
        ids = list(Unit.objects.values_list("pk", flat=True))  # data in the SQL
        return Unit.objects.filter(pk__in=ids)

    sqlmemo.model_rows(Unit, "reads", build)
    assert sqlmemo._memo == {}
    f.unit(county, "县住建局")
    assert len(sqlmemo.model_rows(Unit, "reads", build)) == 2


def test_the_oldest_entries_make_room(db, monkeypatch):
    monkeypatch.setattr(sqlmemo, "MAX_ENTRIES", 2)
    for name in ("a", "b", "c"):
        sqlmemo.model_rows(Unit, name, lambda: Unit.objects.all())
    assert [key[1] for key in sqlmemo._memo] == ["b", "c"]


def _by_ids(ids):
    return (
        Assignment.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "status", "due_date")
    )


def test_rows_of_some_ids_are_those_ids_rows_each_time(load):
    sqlmemo.clear()
    pks = list(Assignment.objects.order_by("pk").values_list("pk", flat=True)[:12])
    for ids in (pks[:5], pks[5:10], pks[7:12]):
        assert sqlmemo.value_rows_of("by-ids", _by_ids, ids) == list(_by_ids(ids))
    # a date is a date on every database, as the ORM converts it
    rows = sqlmemo.value_rows_of("by-ids", _by_ids, pks[:5])
    assert {type(due) for _pk, _status, due in rows} <= {dt.date, type(None)}


def test_rows_of_ids_are_compiled_once_per_number_of_ids(load):
    sqlmemo.clear()
    pks = list(Assignment.objects.order_by("pk").values_list("pk", flat=True)[:8])
    built = []

    def build(ids):
        built.append(len(ids))
        return _by_ids(ids)

    sqlmemo.value_rows_of("by-ids", build, pks[:3])
    sqlmemo.value_rows_of("by-ids", build, pks[3:6])
    sqlmemo.value_rows_of("by-ids", build, pks[:4])
    assert built == [3, 4]


def test_rows_of_no_ids_ask_nothing(load, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sqlmemo.value_rows_of("by-ids", _by_ids, []) == []
