"""manage.py generate_load: realistic bulk data for the benchmarks, made once."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.models import Reminder
from tasks.models import (
    Assignment,
    ExtensionRequest,
    Measure,
    Notice,
    ProgressReport,
    Recurrence,
    Review,
)
from units.access import get_actor
from units.models import Jurisdiction, Unit, UnitGroup

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def load(db, on_day):
    """A tiny county: the full directory and users, 2–4 measures per task (about 600
    assignments), so that each test stays quick."""
    on_day(TODAY)
    call_command("generate_load", scale="county", tiny=True, today=TODAY, verbosity=0)


def test_county_scale_has_the_size_of_a_county(db, on_day):
    on_day(TODAY)
    call_command("generate_load", scale="county", today=TODAY, verbosity=0)
    assert Jurisdiction.objects.filter(level="county").count() == 1
    assert Unit.objects.count() == 40
    assert 3000 <= Assignment.objects.count() <= 5000
    assert ProgressReport.objects.count() >= 8 * Assignment.objects.count()
    assert set(Notice.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    assert UnitGroup.objects.count() == 3


def test_every_role_status_and_recurrence_is_there(load):
    assert set(Assignment.objects.values_list("role", flat=True)) == set(Assignment.Role.values)
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Assignment.Status.values)
    recurrences = set(Measure.objects.values_list("recurrence", flat=True))
    assert recurrences == {"", *Recurrence.values}
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) == set(
        ExtensionRequest.Status.values
    )
    assert set(Review.objects.values_list("decision", flat=True)) == set(Review.Decision.values)
    assert Reminder.objects.exists()
    assert Measure.objects.filter(withdrawn=True).exists()


def test_every_user_role_is_there(load):
    User = get_user_model()
    assert get_actor(User.objects.get(username="c001_office")).role == "office"
    assert get_actor(User.objects.get(username="c001_leader")).role == "leader"
    liaison = get_actor(User.objects.get(username="c001_u01"))
    assert liaison.role == "liaison" and liaison.unit.name == "县应急管理局"
    assert User.objects.get(username="c001_u01").check_password("anquan2024")


def test_the_lights_have_something_to_show(load):
    assert Assignment.objects.overdue(on=TODAY).exists()
    assert Assignment.objects.due_soon(on=TODAY).exists()
    assert Assignment.objects.recurring_overdue(on=TODAY).exists()
    assert Assignment.objects.behind_schedule(on=TODAY).exists()


def test_data_follows_the_rules(load):
    done = Assignment.objects.filter(status="done")
    assert not done.exclude(latest_percent=100).exists()
    assert not done.filter(completed_at__isnull=True).exists()
    assert done.count() == Review.objects.filter(decision="accept").count()
    approved = ExtensionRequest.objects.filter(status="approved").select_related("assignment")
    assert all(e.assignment.due_date == e.approved_date for e in approved)
    assert all(e.assignment.original_due_date < e.approved_date for e in approved)
    assert not Assignment.objects.filter(status="not_started", reports__isnull=False).exists()
    period = ProgressReport.objects.filter(period_index__isnull=False).first()
    assert period.period() is not None


def test_second_run_is_refused_and_changes_nothing(load):
    before = (Assignment.objects.count(), ProgressReport.objects.count())
    with pytest.raises(CommandError, match="已有压测数据"):
        call_command("generate_load", scale="city", today=TODAY, verbosity=0)
    assert (Assignment.objects.count(), ProgressReport.objects.count()) == before


def test_new_rows_after_generation_get_fresh_ids(load):
    jurisdiction = Jurisdiction.objects.get(name="压测县001")
    notice = Notice.objects.create(jurisdiction=jurisdiction, title="新通知", year=2026)
    assert notice.pk > Notice.objects.exclude(pk=notice.pk).order_by("-pk").first().pk


def test_generated_users_open_their_pages(load, client):
    User = get_user_model()
    client.force_login(User.objects.get(username="c001_office"))
    assert client.get(reverse("workbench")).status_code == 200
    client.force_login(User.objects.get(username="c001_u01"))
    response = client.get(reverse("my_tasks"))
    assert response.status_code == 200
    assert "县应急管理局" in response.content.decode()


def test_tiny_is_much_smaller_than_a_county(load):
    assert Unit.objects.count() == 40
    assert 300 <= Assignment.objects.count() <= 1000


def test_bad_counties_is_refused(db):
    with pytest.raises(CommandError, match="正整数"):
        call_command("generate_load", scale="county", counties=0, verbosity=0)
    assert not Jurisdiction.objects.exists()


def test_reported_period_counters_match_the_reports(load):
    from tasks.period_counts import refresh_period_counts

    def counters():
        return set(Assignment.objects.values_list("pk", "reported_periods", "last_period_index"))

    written = counters()
    assert any(reported for _, reported, _ in written)
    refresh_period_counts(Assignment.objects.values_list("pk", flat=True))
    assert counters() == written
