"""Audit (留痕): every create, change and delete of notices, tasks, measures and assignments has
an author and a time in its history (django-simple-history); reports, reviews and the other
records are never edited or deleted, neither from the pages nor from the admin; the history
itself cannot be edited from any page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse

from tasks import services
from tasks.models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    Measure,
    Notice,
    ProgressReport,
    Review,
    Task,
)
from tests import factories as f
from tests.importers.test_import_views import (
    _confirm,
    _upload,
    directory,  # noqa: F401  (fixture)
)
from tests.test_permission_matrix import project_urls

AUDITED = (Notice, Task, Measure, Assignment)
PDF = b"%PDF-1.4 evidence"


def _last_history_ids() -> dict:
    return {m: m.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
            for m in AUDITED}  # fmt: skip


def _records_since(marks: dict) -> list:
    return [r for m in AUDITED for r in m.history.filter(history_id__gt=marks[m])]


def _assert_authored(records, by) -> None:
    assert records, "nothing was recorded"
    anonymous = [
        (type(r).__name__, r.history_type, r.id) for r in records if r.history_user_id is None
    ]
    assert not anonymous, f"history records without an author: {anonymous}"
    assert {r.history_user_id for r in records} <= {u.pk for u in by}
    assert all(r.history_date is not None for r in records)


# ---- creates and changes -----------------------------------------------------------------------


def test_an_import_records_who_created_every_notice_task_measure_and_assignment(
    login,
    office,
    county,
    directory,  # noqa: F811
):
    marks = _last_history_ids()
    client = login(office)
    _upload(client, county)
    from importers.models import ImportDraft

    response = _confirm(client, ImportDraft.objects.get())
    assert response.status_code == 302
    records = _records_since(marks)
    _assert_authored(records, [office])
    created = {type(r).__name__ for r in records if r.history_type == "+"}
    assert created == {"HistoricalNotice", "HistoricalTask", "HistoricalMeasure",
                       "HistoricalAssignment"}  # fmt: skip


@pytest.fixture
def measures(county):
    n = f.notice(county)
    return [f.measure(n, text=f"措施{i}", due=dt.date(2024, 6, 30)) for i in range(2)]


def test_every_service_write_records_its_author_without_a_request(
    measures, unit_a, unit_b, office, liaison_a
):
    """Services run from commands too (no request, no history middleware): they name the user."""
    marks = _last_history_ids()
    (a,) = services.assign_units(measure=measures[0], units=[unit_a], role="lead", by=office)
    services.bulk_assign_units(measures=measures, units=[unit_b], role="cooperate", by=office)
    services.set_due_date(measures=measures, due_date=dt.date(2024, 9, 30), by=office)
    services.set_recurrence(measures=measures[1:], recurrence="monthly", by=office)
    services.report_progress(assignment=a, author=liaison_a, text="过半", percent=50)
    ext = services.request_extension(assignment=a, by=liaison_a, requested_date=dt.date(2024, 12, 31),
                                     reason="等待验收")  # fmt: skip
    services.decide_extension(
        extension=ext, by=office, approve=True, new_date=dt.date(2024, 12, 31)
    )
    services.report_progress(assignment=a, author=liaison_a, text="完成", percent=100,
                             completion=True, files=[SimpleUploadedFile("a.pdf", PDF)])  # fmt: skip
    services.review_completion(assignment=a, reviewer=office, accept=False, reason="材料不全")
    services.report_progress(assignment=a, author=liaison_a, text="补齐", percent=100,
                             completion=True, files=[SimpleUploadedFile("b.pdf", PDF)])  # fmt: skip
    services.review_completion(assignment=a, reviewer=office, accept=True)
    records = _records_since(marks)
    _assert_authored(records, [office, liaison_a])
    statuses = [r.status for r in a.history.order_by("history_id")]
    assert statuses == ["not_started", "not_started", "in_progress", "in_progress", "requested",
                        "in_progress", "requested", "done"]  # fmt: skip
    by_liaison = a.history.filter(history_user=liaison_a, status="requested")
    assert by_liaison.count() == 2
    assert a.history.get(status="done").history_user == office


def test_reports_reviews_and_requests_carry_their_author_and_time(
    measures, unit_a, office, liaison_a
):
    (a,) = services.assign_units(measure=measures[0], units=[unit_a], role="lead", by=office)
    report = services.report_progress(assignment=a, author=liaison_a, text="完成", percent=100,
                                      completion=True, files=[SimpleUploadedFile("a.pdf", PDF)])  # fmt: skip
    review = services.review_completion(assignment=a, reviewer=office, accept=True)
    assert report.author == liaison_a and report.created_at is not None
    assert review.reviewer == office and review.created_at is not None
    assert report.evidence.get().uploaded_at is not None


def test_changes_made_in_the_admin_record_the_admin(client, it_admin, measures):
    client.force_login(it_admin)
    measure = measures[0]
    url = reverse("admin:tasks_measure_change", args=[measure.pk])
    page = client.get(url)
    assert page.status_code == 200
    marks = _last_history_ids()
    client.post(reverse("admin:tasks_measure_delete", args=[measure.pk]), {"post": "yes"})
    assert not Measure.objects.filter(pk=measure.pk).exists()
    (deleted,) = [r for r in _records_since(marks) if r.history_type == "-" and r.id == measure.pk]
    assert deleted.history_user == it_admin and deleted.text == measure.text


# ---- deletes refused -----------------------------------------------------------------------------


@pytest.fixture
def reviewed(measures, unit_a, office, liaison_a):
    (a,) = services.assign_units(measure=measures[0], units=[unit_a], role="lead", by=office)
    services.report_progress(assignment=a, author=liaison_a, text="完成 原文", percent=100,
                             completion=True, files=[SimpleUploadedFile("a.pdf", PDF)])  # fmt: skip
    services.review_completion(assignment=a, reviewer=office, accept=True)
    return a


def test_a_reported_assignment_and_its_notice_cannot_be_deleted(reviewed):
    with pytest.raises(ProtectedError):
        reviewed.delete()
    with pytest.raises(ProtectedError):
        reviewed.measure.task.notice.delete()
    with pytest.raises(ProtectedError):
        ProgressReport.objects.get().delete()  # its evidence and review hold it
    assert Assignment.objects.filter(pk=reviewed.pk).exists()


def test_the_admin_refuses_to_delete_a_reported_assignment(client, it_admin, reviewed):
    client.force_login(it_admin)
    url = reverse("admin:tasks_assignment_delete", args=[reviewed.pk])
    page = client.get(url)
    assert "<title>无法删除 任务分配" in page.content.decode()
    client.post(url, {"post": "yes"})
    assert Assignment.objects.filter(pk=reviewed.pk).exists()
    assert ProgressReport.objects.filter(assignment=reviewed).count() == 1


# ---- reports and reviews are never edited ------------------------------------------------------


@pytest.mark.parametrize("model", [ProgressReport, Review, Evidence, ExtensionRequest])
def test_the_admin_cannot_add_change_or_delete_records(client, it_admin, reviewed, model):
    client.force_login(it_admin)
    model_admin = admin.site._registry[model]
    request = client.get(reverse("admin:index")).wsgi_request
    obj = model.objects.first() if model is not ExtensionRequest else None
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    if obj is not None:
        delete = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()


def test_posting_to_a_report_in_the_admin_changes_nothing(client, it_admin, reviewed):
    client.force_login(it_admin)
    report = ProgressReport.objects.get()
    review = Review.objects.get()
    client.post(reverse("admin:tasks_progressreport_change", args=[report.pk]),
                {"text": "改写", "percent": 1})  # fmt: skip
    client.post(reverse("admin:tasks_review_change", args=[review.pk]),
                {"decision": "return", "reason": "改写"})  # fmt: skip
    report.refresh_from_db()
    review.refresh_from_db()
    assert report.text == "完成 原文" and report.percent == 100
    assert review.decision == "accept" and review.reason == ""


def test_no_page_edits_or_deletes_a_report_or_review():
    """The pages only add reports and reviews: no URL edits, deletes or replaces one."""
    names = [name for name, _, _ in project_urls()]
    editing = [n for n in names if re.search(r"(report|review|evidence|history|extension)"
                                             r".*(edit|update|change|delete|remove)", n)]  # fmt: skip
    assert not editing
    assert {"report_create", "review_decide", "extension_create", "extension_decide"} <= set(names)


def test_a_correction_is_a_new_report(login, liaison_a, measures, unit_a, office):
    (a,) = services.assign_units(measure=measures[0], units=[unit_a], role="lead", by=office)
    client = login(liaison_a)
    url = reverse("report_create", args=[a.pk])
    client.post(url, {"text": "第一次", "percent": 30, "version": a.version})
    a.refresh_from_db()
    client.post(url, {"text": "更正：第二次", "percent": 40, "version": a.version})
    texts = list(
        ProgressReport.objects.filter(assignment=a).order_by("pk").values_list("text", flat=True)
    )
    assert texts == ["第一次", "更正：第二次"]


def test_the_history_itself_is_not_in_the_admin():
    historical = [m.__name__ for m in admin.site._registry if m.__name__.startswith("Historical")]
    assert not historical
    for model in AUDITED:
        assert model.history.model not in admin.site._registry


def test_the_assignment_page_shows_its_history_with_no_way_to_change_it(login, liaison_a, reviewed):
    from django.urls import resolve

    page = login(liaison_a).get(reverse("assignment_detail", args=[reviewed.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "已办结" in html
    assert "office" in html  # the office's acceptance, by name, in the history
    actions = {resolve(a).url_name for a in re.findall(r'<form[^>]*action="([^"?]+)', html)}
    assert actions <= {"logout", "review_decide", "extension_decide"}
