"""Every admin changelist, add and change page renders for IT."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from importers.models import ImportDraft
from reports.models import DocumentCounter, Reminder, SupervisionNotice
from tasks import services
from tests import factories as f


@pytest.fixture
def populated(county, unit_a, liaison_a, office):
    a = f.assignment(f.measure(j=county), unit_a)
    services.report_progress(
        assignment=a, author=liaison_a, text="完成", percent=100, completion=True,
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")],
    )  # fmt: skip
    services.review_completion(assignment=a, reviewer=office, accept=True)
    b = f.assignment(f.measure(j=county), f.unit(county), due=dt.date(2024, 1, 1))
    services.request_extension(
        assignment=b, by=liaison_a, requested_date=dt.date(2024, 3, 1), reason="x"
    )
    f.group(county, "各乡镇", rule="townships")
    counter = DocumentCounter.objects.create(
        jurisdiction=county, kind="supervision", year=2024, last=1
    )
    notice = SupervisionNotice.objects.create(
        jurisdiction=county, unit=unit_a, year=counter.year, number=1,
        doc_number="交安办督〔2024〕1号", reply_by=dt.date(2024, 3, 1), issued_by=office,
    )  # fmt: skip
    Reminder.objects.create(assignment=b, kind="supervision", reason="overdue", supervision=notice)
    ImportDraft.objects.create(
        jurisdiction=county, uploaded_by=office, filename="通知.txt", checksum="0" * 64,
        file=SimpleUploadedFile("通知.txt", "一、总体要求".encode()),
    )  # fmt: skip


def test_every_admin_page_renders(client, it_admin, populated):
    client.force_login(it_admin)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
        obj = model.objects.first()
        assert obj is not None, f"no {info} to open"
        change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert change.status_code == 200, info


def test_reports_and_reviews_cannot_be_changed_in_admin(client, it_admin, populated):
    from tasks.models import ProgressReport, Review

    client.force_login(it_admin)
    report = ProgressReport.objects.first()
    url = reverse("admin:tasks_progressreport_change", args=[report.pk])
    client.post(url, {"text": "改写", "percent": 1})
    report.refresh_from_db()
    assert report.text == "完成"
    assert client.get(reverse("admin:tasks_review_add")).status_code == 403
    review = Review.objects.first()
    delete = reverse("admin:tasks_review_delete", args=[review.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("model", ["task", "measure"])
def test_task_and_measure_lists_do_not_read_the_notices_parse(client, it_admin, county, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.models import Notice

    m = f.measure(j=county, text="措施一")
    Notice.objects.filter(pk=m.task.notice_id).update(parse={"tasks": ["措施" * 5000]})
    client.force_login(it_admin)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse(f"admin:tasks_{model}_changelist"))
    assert response.status_code == 200
    joined = [q["sql"] for q in seen if 'JOIN "tasks_notice"' in q["sql"]]
    assert joined and not any('"tasks_notice"."parse"' in sql for sql in joined)
