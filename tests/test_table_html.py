"""safetyplan.table_html writes the markup django-tables2's own template writes, on every
table of the product: each page is rendered twice, once with each, and the tables compared
tag by tag, attribute by attribute, text by text (whitespace between tags aside)."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template.loader import get_template
from django.urls import reverse

from safetyplan import table_html
from tasks.models import Assignment, Notice
from tests.markup import canonical
from units.models import Unit

TODAY = dt.date(2026, 11, 23)


def django_tables2_markup(table, context):
    """What ``{% render_table table %}`` writes (django_tables2.templatetags.RenderTableNode)."""
    request = context.get("request")
    table.context = context
    table.before_render(request)
    try:
        return get_template(table.template_name).render({"table": table}, request)
    finally:
        del table.context


def tables_of(html: str) -> list:
    soup = BeautifulSoup(html, "lxml")
    return [canonical(div) for div in soup.select("div.table-container")]


@pytest.fixture
def load(db, on_day):
    on_day(TODAY)
    call_command("generate_load", scale="county", tiny=True, today=TODAY, verbosity=0)


def urls(office, liaison_unit: Unit) -> list[tuple[str, str]]:
    unit = liaison_unit.pk
    notice = Notice.objects.order_by("-year", "pk").first().pk
    return [
        ("office", reverse("workbench")),
        ("office", reverse("workbench") + "?sort=name"),
        ("office", reverse("workbench") + "?sort=-completion_rate"),
        ("office", reverse("measure_list")),
        ("office", reverse("measure_list") + "?sort=-due_date&page=2"),
        ("office", reverse("measure_list") + "?status=in_progress&per_page=5&page=3"),
        ("leader", reverse("measure_list")),
        ("office", reverse("unit_list")),
        ("office", reverse("unit_detail", args=[unit])),
        ("office", reverse("unit_detail", args=[unit]) + "?sort=-light&page=2"),
        ("office", reverse("notice_list")),
        ("office", reverse("notice_detail", args=[notice])),
        ("office", reverse("review_queue")),
        ("office", reverse("ranking")),
        ("office", reverse("ranking") + "?sort=-overdue"),
        ("office", reverse("reminder_list")),
        ("office", reverse("supervision_list")),
        ("office", reverse("account_list")),
        ("liaison", reverse("my_tasks")),
        ("liaison", reverse("my_tasks") + "?page=2"),
        ("liaison", reverse("reminder_list")),
    ]


def test_every_table_is_written_as_django_tables2_writes_it(load, client, monkeypatch):
    User = get_user_model()
    busiest = Assignment.objects.values_list("unit", flat=True).order_by("unit").first()
    unit = Unit.objects.get(pk=busiest)
    people = {
        "office": User.objects.get(username="c001_office"),
        "leader": User.objects.get(username="c001_leader"),
        "liaison": User.objects.get(profile__unit=unit),
    }
    compared = 0
    for who, url in urls(people["office"], unit):
        client.force_login(people[who])
        ours = client.get(url)
        assert ours.status_code == 200, url
        with monkeypatch.context() as m:
            m.setattr(table_html, "render_table", django_tables2_markup)
            theirs = client.get(url)
        mine, reference = tables_of(ours.content.decode()), tables_of(theirs.content.decode())
        assert mine == reference, url
        compared += len(reference)
    assert compared >= 20
