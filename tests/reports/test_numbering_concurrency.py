"""督办单 numbers stay gapless and unique when several are issued at the same moment.

Real threads, each with its own database connection, committing real transactions. Runs on
PostgreSQL (a row lock on the counter serialises the issuers) and on SQLite (IMMEDIATE
transactions with a busy timeout, as configured in settings, serialise them).

SQLite's test database lives in memory with a shared cache, where a locked table fails at
once ("database table is locked") instead of waiting: the busy timeout applies only to files.
So on SQLite the threads work on a file copy of the test database, as a real server does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reports import services
from reports.models import DocumentCounter, Reminder, SupervisionNotice
from tests import factories as f
from tests.reports import DAY, overdue, set_office
from tests.threads import at_once, database_for_threads, read

THREADS = 8


def _setup(count: int):
    county = set_office(f.jurisdiction("交城县"))
    office = f.user("office", role=f.ROLE_OFFICE, j=county)
    units = [f.unit(county, f"并发单位{i}") for i in range(count)]
    for unit in units:
        overdue(unit)
    return county, office, units


def _job(county, office, unit):
    def issue():
        services.issue_supervision(
            jurisdiction=county,
            unit=unit,
            assignments=unit.assignments.all(),
            by=office,
            reply_by=dt.date(2024, 3, 8),
            today=DAY,
        )

    return issue


@pytest.mark.django_db(transaction=True)
def test_simultaneous_issues_get_numbers_one_to_n_without_duplicates(tmp_path):
    county, office, units = _setup(THREADS)

    with database_for_threads(tmp_path):
        errors = at_once([_job(county, office, u) for u in units])[1]
        issued = read(
            lambda: list(SupervisionNotice.objects.values_list("number", "doc_number", "unit_id"))
        )
        last = read(lambda: DocumentCounter.objects.get(jurisdiction=county).last)
        reminders = read(lambda: Reminder.objects.filter(kind="supervision").count())

    assert errors == []
    assert sorted(n for n, _, _ in issued) == list(range(1, THREADS + 1))
    assert {d for _, d, _ in issued} == {f"交安办督〔2024〕{n}号" for n in range(1, THREADS + 1)}
    assert {u for _, _, u in issued} == {u.pk for u in units}
    assert last == THREADS
    assert reminders == THREADS


@pytest.mark.django_db(transaction=True)
def test_racing_first_issues_of_a_year_create_one_counter(tmp_path):
    """No counter row yet: every thread tries to create it; one does, the rest use it."""
    county, office, units = _setup(4)
    assert not DocumentCounter.objects.exists()

    with database_for_threads(tmp_path):
        errors = at_once([_job(county, office, u) for u in units])[1]
        counters = read(lambda: DocumentCounter.objects.filter(jurisdiction=county).count())
        numbers = read(lambda: list(SupervisionNotice.objects.values_list("number", flat=True)))

    assert errors == []
    assert counters == 1
    assert sorted(numbers) == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_an_issue_that_fails_midway_gives_its_number_back(monkeypatch, tmp_path):
    """The number is taken, then writing the document fails: nothing is kept, and the next
    notice gets the same number, so the series has no gap."""
    county, office, units = _setup(3)
    real = services.documents.supervision_docx

    def broken_for_second(data):
        if data.unit_name == units[1].name:
            raise OSError("磁盘已满")
        return real(data)

    monkeypatch.setattr(services.documents, "supervision_docx", broken_for_second)

    with database_for_threads(tmp_path):
        errors = at_once([_job(county, office, u) for u in units])[1]
        issued = read(lambda: list(SupervisionNotice.objects.values_list("number", "unit")))
        stray = read(lambda: Reminder.objects.filter(assignment__unit=units[1]).count())
        last = read(lambda: DocumentCounter.objects.get(jurisdiction=county).last)

    assert len(errors) == 1 and isinstance(errors[0], OSError)
    assert sorted(n for n, _ in issued) == [1, 2]
    assert units[1].pk not in {u for _, u in issued}
    assert stray == 0
    assert last == 2
