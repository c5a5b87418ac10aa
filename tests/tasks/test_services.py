import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks import services
from tasks.models import Assignment, Evidence, ExtensionRequest, ProgressReport, Review
from tests import factories as f

S = Assignment.Status
PDF = b"%PDF-1.4\n%test\n"


def _pdf(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def assignment(county, unit_a):
    return f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30))


def test_progress_outside_0_to_100_is_refused_and_nothing_saved(assignment, liaison_a):
    for bad in (-1, 101):
        with pytest.raises(ValidationError) as err:
            services.report_progress(
                assignment=assignment, author=liaison_a, text="进展", percent=bad
            )
        assert any("100" in m or "0" in m for m in err.value.messages)
    assert not ProgressReport.objects.exists()
    assignment.refresh_from_db()
    assert assignment.status == S.NOT_STARTED and assignment.version == 1


def test_first_report_starts_the_assignment(assignment, liaison_a):
    report = services.report_progress(
        assignment=assignment, author=liaison_a, text="已部署", percent=30
    )
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    assert assignment.latest_percent == 30 and report.author == liaison_a
    assert assignment.history.first().history_user == liaison_a


def test_a_report_is_added_never_overwritten(assignment, liaison_a):
    services.report_progress(assignment=assignment, author=liaison_a, text="第一次", percent=30)
    services.report_progress(assignment=assignment, author=liaison_a, text="更正", percent=20)
    assert list(assignment.reports.values_list("text", flat=True)) == ["更正", "第一次"]


def test_completion_needs_evidence(assignment, liaison_a):
    with pytest.raises(ValidationError, match="佐证材料"):
        services.report_progress(
            assignment=assignment, author=liaison_a, text="完成", percent=100, completion=True
        )
    assert not ProgressReport.objects.exists()


def test_evidence_with_wrong_content_is_refused(assignment, liaison_a):
    fake = SimpleUploadedFile("照片.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="内容与其扩展名不符"):
        services.report_progress(
            assignment=assignment, author=liaison_a, text="完成", percent=100,
            files=[fake], completion=True,
        )  # fmt: skip
    assert not ProgressReport.objects.exists()


def test_return_then_accept(assignment, liaison_a, office):
    services.report_progress(
        assignment=assignment, author=liaison_a, text="完成", percent=100,
        files=[_pdf()], completion=True,
    )  # fmt: skip
    assert Evidence.objects.get().original_name == "会议纪要.pdf"
    with pytest.raises(ValidationError, match="退回时必须填写理由"):
        services.review_completion(assignment=assignment, reviewer=office, accept=False)
    services.review_completion(
        assignment=assignment, reviewer=office, accept=False, reason="缺少照片"
    )
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    services.report_progress(
        assignment=assignment, author=liaison_a, text="补充照片", percent=100,
        files=[_pdf("照片.pdf")], completion=True,
    )  # fmt: skip
    services.review_completion(assignment=assignment, reviewer=office, accept=True)
    assignment.refresh_from_db()
    assert assignment.status == S.DONE
    assert list(Review.objects.order_by("id").values_list("decision", flat=True)) == [
        "return",
        "accept",
    ]


def test_review_without_request_is_refused(assignment, office):
    with pytest.raises(ValidationError, match="没有待审核的办结申请"):
        services.review_completion(assignment=assignment, reviewer=office, accept=True)


def test_second_of_two_people_acting_at_once_is_told(assignment, liaison_a, office):
    services.report_progress(
        assignment=assignment, author=liaison_a, text="完成", percent=100,
        files=[_pdf()], completion=True,
    )  # fmt: skip
    seen = Assignment.objects.get(pk=assignment.pk).version
    services.review_completion(
        assignment=assignment, reviewer=office, accept=True, expected_version=seen
    )
    with pytest.raises(services.ConflictError, match="已被他人处理"):
        services.review_completion(
            assignment=assignment, reviewer=office, accept=False, reason="x", expected_version=seen
        )
    assert Review.objects.count() == 1


def test_same_unit_twice_on_a_measure_is_refused(county, unit_a, office):
    m = f.measure(j=county)
    services.assign_units(measure=m, units=[unit_a], role="lead", by=office)
    with pytest.raises(ValidationError, match="县应急局"):
        services.assign_units(measure=m, units=[f.unit(county), unit_a], role="lead", by=office)
    assert Assignment.objects.filter(measure=m).count() == 1


def test_database_also_refuses_a_duplicate_assignment(county, unit_a):
    from django.db import IntegrityError, transaction

    m = f.measure(j=county)
    f.assignment(m, unit_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.assignment(m, unit_a)


def test_group_expands_to_one_assignment_per_township(county, office):
    towns = [f.unit(county, n, kind="township") for n in ["天宁镇", "西营镇", "会立乡"]]
    group = f.group(county, "各乡镇", rule="townships")
    m = f.measure(j=county, due=dt.date(2024, 12, 31))
    units = services.expand_units(groups=[group])
    created = services.assign_units(measure=m, units=units, role="responsible", by=office)
    assert {a.unit for a in created} == set(towns)
    assert all(a.due_date == dt.date(2024, 12, 31) for a in created)


def test_unit_of_another_jurisdiction_cannot_be_assigned(county, sibling_county, office):
    m = f.measure(j=county)
    with pytest.raises(ValidationError, match="不属于本通知的行政区划"):
        services.assign_units(
            measure=m, units=[f.unit(sibling_county, "文水县应急局")], role="lead", by=office
        )


def test_approved_extension_moves_the_date_and_keeps_the_original(assignment, liaison_a, office):
    ext = services.request_extension(
        assignment=assignment, by=liaison_a, requested_date=dt.date(2024, 8, 31), reason="汛期"
    )
    services.decide_extension(extension=ext, by=office, approve=True)
    assignment.refresh_from_db()
    assert assignment.due_date == dt.date(2024, 8, 31)
    assert assignment.original_due_date == dt.date(2024, 6, 30)
    assert not Assignment.objects.overdue(on=dt.date(2024, 7, 15)).exists()
    with pytest.raises(ValidationError, match="已处理过"):
        services.decide_extension(extension=ext, by=office, approve=False)


def test_refused_extension_changes_nothing(assignment, liaison_a, office):
    ext = services.request_extension(
        assignment=assignment, by=liaison_a, requested_date=dt.date(2024, 8, 31), reason="汛期"
    )
    services.decide_extension(extension=ext, by=office, approve=False, note="不符合条件")
    assignment.refresh_from_db()
    assert assignment.due_date == dt.date(2024, 6, 30)
    assert ExtensionRequest.objects.get().status == "refused"


def test_extension_to_an_earlier_date_is_refused(assignment, liaison_a):
    with pytest.raises(ValidationError, match="必须晚于"):
        services.request_extension(
            assignment=assignment, by=liaison_a, requested_date=dt.date(2024, 6, 1), reason="x"
        )


def test_recurring_report_is_filed_under_its_period(county, unit_a, liaison_a):
    a = f.assignment(f.measure(j=county, recurrence="quarterly"), unit_a)
    report = services.report_progress(
        assignment=a, author=liaison_a, text="二季度会议", percent=50,
        period_start=dt.date(2024, 5, 17),
    )  # fmt: skip
    assert report.period_start == dt.date(2024, 4, 1)
    assert report.period().label == "2024年第2季度"
