"""Two people acting on the same thing at the same moment: one wins, the other is told, nothing is
lost or duplicated.

Real threads, each with its own database connection, released together by a barrier and
committing real transactions. On PostgreSQL the services' row locks (``select_for_update``) and
version checks decide; on SQLite the IMMEDIATE transactions with a busy timeout of settings
serialise the writers.

SQLite's test database lives in memory with a shared cache, where a locked table fails at once
instead of waiting (the busy timeout applies only to files), so there the threads work on a file
copy of the test database, as a real server does (see ``tests/reports/test_numbering_concurrency``).

Run against PostgreSQL (CI does)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest tests/test_concurrency.py
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from importers import services as importing
from importers.api import parse_file
from importers.models import ImportDraft
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
from tasks.services import ConflictError
from tests import factories as f
from tests.threads import at_once, database_for_threads, read

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

NOTICE = """交城县人民政府文件

交政发〔2024〕1号

交城县人民政府关于做好2024年安全生产工作的通知

各乡镇人民政府，县直各部门：

一、压实安全生产责任

（一）落实党政领导责任。安委会每月至少召开一次会议，分析安全形势，解决重大问题。（县应急局牵头，天宁镇配合）

（二）落实部门监管责任。年底前完成监管清单修订，规范实施安全生产挂牌责任制。（县应急局）

二、强化风险防控

（三）开展隐患排查。全面开展消防安全专项整治行动，建立问题隐患清单。（天宁镇）

交城县人民政府

2024年2月1日
"""


@pytest.fixture
def threads_db(tmp_path):
    """``with threads_db(): ...`` races the threads on a database they can share."""
    return lambda: database_for_threads(tmp_path)


def _messages(errors: list[BaseException]) -> list[str]:
    return [m for e in errors for m in e.messages]


# --- people and a piece of work ----------------------------------------------------------------


@pytest.fixture
def office_2(county):
    return f.user("office_2", role=f.ROLE_OFFICE, j=county)


@pytest.fixture
def liaison_a2(county, unit_a):
    return f.user("liaison_a2", role=f.ROLE_LIAISON, j=county, u=unit_a)


@pytest.fixture
def assignment(county, unit_a):
    return f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30))


def _pdf(name="照片.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def requested(assignment, liaison_a):
    """The assignment with a completion request waiting for the office."""
    services.report_progress(
        assignment=assignment,
        author=liaison_a,
        text="已全部完成。",
        percent=100,
        files=[_pdf()],
        completion=True,
    )
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.REQUESTED
    return assignment


def _state(assignment_pk: int) -> tuple:
    a = Assignment.objects.get(pk=assignment_pk)
    return (
        a.status,
        a.version,
        Review.objects.filter(assignment=a).count(),
        ProgressReport.objects.filter(assignment=a).count(),
        Evidence.objects.filter(report__assignment=a).count(),
        a.history.count(),
    )


# --- reviewing: 办结 and 退回 at the same moment -------------------------------------------------


def _review(assignment, reviewer, *, accept, version):
    def job():
        return services.review_completion(
            assignment=assignment,
            reviewer=reviewer,
            accept=accept,
            reason="" if accept else "佐证材料不全，请补充现场照片。",
            expected_version=version,
        )

    return job


def test_accept_and_return_at_once_one_wins_other_is_told(requested, office, office_2, threads_db):
    version = requested.version
    before = _state(requested.pk)
    with threads_db():
        results, errors = at_once(
            [
                _review(requested, office, accept=True, version=version),
                _review(requested, office_2, accept=False, version=version),
            ]
        )
        after = read(lambda: _state(requested.pk))
        review = read(lambda: Review.objects.get(assignment=requested))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ConflictError)
    assert "刚刚已被他人处理" in errors[0].messages[0]
    winner = results[0]
    assert review.pk == winner.pk and review.decision == winner.decision
    status, new_version, reviews, reports, evidence, history = after
    expected = (
        Assignment.Status.DONE
        if winner.decision == Review.Decision.ACCEPT
        else Assignment.Status.IN_PROGRESS
    )
    assert status == expected
    assert new_version == version + 1
    assert reviews == 1
    assert (reports, evidence) == before[3:5]  # the request and its evidence are kept
    assert history == before[5] + 1


def test_two_offices_accepting_without_a_version_make_one_review(
    requested, office, office_2, threads_db
):
    """Even without the version the page saw, the row lock lets only one decide."""
    with threads_db():
        results, errors = at_once(
            [
                _review(requested, office, accept=True, version=None),
                _review(requested, office_2, accept=True, version=None),
            ]
        )
        reviews = read(lambda: Review.objects.filter(assignment=requested).count())
        status = read(lambda: Assignment.objects.get(pk=requested.pk).status)

    assert len(results) == 1
    assert _messages(errors) == ["该任务没有待审核的办结申请。"]
    assert reviews == 1
    assert status == Assignment.Status.DONE


# --- reporting at the same moment ----------------------------------------------------------------


def _report(assignment, author, text, *, version, completion=False, files=()):
    def job():
        return services.report_progress(
            assignment=assignment,
            author=author,
            text=text,
            percent=100 if completion else 40,
            files=list(files),
            completion=completion,
            expected_version=version,
        )

    return job


def test_two_liaisons_reporting_from_the_same_page_one_is_told(
    assignment, liaison_a, liaison_a2, threads_db
):
    version = assignment.version
    with threads_db():
        results, errors = at_once(
            [
                _report(assignment, liaison_a, "第一人报送：已召开会议。", version=version),
                _report(assignment, liaison_a2, "第二人报送：已排查隐患。", version=version),
            ]
        )
        texts = read(
            lambda: list(
                ProgressReport.objects.filter(assignment=assignment).values_list("text", flat=True)
            )
        )
        after = read(lambda: _state(assignment.pk))

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ConflictError)
    assert texts == [results[0].text]
    status, new_version = after[:2]
    assert status == Assignment.Status.IN_PROGRESS
    assert new_version == version + 1


def test_many_progress_reports_at_once_are_all_kept(assignment, liaison_a, liaison_a2, threads_db):
    """Reports that do not claim a version are all added: none overwrites another."""
    count = 6
    authors = [liaison_a, liaison_a2] * (count // 2)
    with threads_db():
        _, errors = at_once(
            [
                _report(assignment, a, f"第{i}次报送。", version=None, files=[_pdf(f"{i}.pdf")])
                for i, a in enumerate(authors)
            ]
        )
        texts = read(
            lambda: sorted(
                ProgressReport.objects.filter(assignment=assignment).values_list("text", flat=True)
            )
        )
        after = read(lambda: _state(assignment.pk))

    assert errors == []
    assert texts == sorted(f"第{i}次报送。" for i in range(count))
    status, version, reviews, reports, evidence, _ = after
    assert status == Assignment.Status.IN_PROGRESS
    assert version == assignment.version + count  # every report bumped it once
    assert (reviews, reports, evidence) == (0, count, count)


def test_two_completion_requests_at_once_make_one(assignment, liaison_a, liaison_a2, threads_db):
    with threads_db():
        results, errors = at_once(
            [
                _report(assignment, u, "已完成。", version=None, completion=True, files=[_pdf()])
                for u in (liaison_a, liaison_a2)
            ]
        )
        after = read(lambda: _state(assignment.pk))

    assert len(results) == 1
    assert _messages(errors) == ["该任务已申请办结，正在等待安委办审核。"]
    status, _, reviews, reports, evidence, _ = after
    assert status == Assignment.Status.REQUESTED
    assert (reviews, reports, evidence) == (0, 1, 1)


def test_report_and_return_at_once_one_wins(requested, liaison_a, office, threads_db):
    """The office returns the request while the liaison (same page version) adds a report."""
    version = requested.version
    with threads_db():
        results, errors = at_once(
            [
                _review(requested, office, accept=False, version=version),
                _report(requested, liaison_a, "补充说明。", version=version),
            ]
        )
        after = read(lambda: _state(requested.pk))

    # A request waiting for review takes no report: whichever thread ran first, the return wins
    # and the report is refused with a Chinese reason (stale page, or still under review).
    assert len(results) == 1 and isinstance(results[0], Review)
    assert len(errors) == 1
    assert isinstance(errors[0], ConflictError) or errors[0].messages == [
        "该任务已申请办结，正在等待安委办审核。"
    ]
    status, new_version, reviews, reports, _, _ = after
    assert (status, new_version, reviews, reports) == (
        Assignment.Status.IN_PROGRESS,
        version + 1,
        1,
        1,
    )


# --- extensions ----------------------------------------------------------------------------------


def test_two_extension_requests_at_once_leave_one_pending(
    assignment, liaison_a, liaison_a2, threads_db
):
    def ask(by, day):
        return lambda: services.request_extension(
            assignment=assignment, by=by, requested_date=day, reason="汛期施工受阻。"
        )

    with threads_db():
        results, errors = at_once(
            [ask(liaison_a, dt.date(2024, 8, 31)), ask(liaison_a2, dt.date(2024, 9, 30))]
        )
        pending = read(
            lambda: ExtensionRequest.objects.filter(
                assignment=assignment, status=ExtensionRequest.Status.PENDING
            ).count()
        )

    assert len(results) == 1
    assert _messages(errors) == ["已有一份待审批的延期申请。"]
    assert pending == 1


def test_approve_and_refuse_an_extension_at_once_one_decides(
    assignment, liaison_a, office, office_2, threads_db
):
    ext = services.request_extension(
        assignment=assignment, by=liaison_a, requested_date=dt.date(2024, 9, 30), reason="汛期。"
    )

    def decide(by, approve):
        return lambda: services.decide_extension(
            extension=ext, by=by, approve=approve, note="" if approve else "理由不充分。"
        )

    with threads_db():
        results, errors = at_once([decide(office, True), decide(office_2, False)])
        saved = read(lambda: ExtensionRequest.objects.get(pk=ext.pk))
        due = read(lambda: Assignment.objects.get(pk=assignment.pk).due_date)

    assert len(results) == 1
    assert _messages(errors) == ["该延期申请已处理过。"]
    assert saved.status == results[0].status
    assert saved.decided_by_id == results[0].decided_by_id
    if saved.status == ExtensionRequest.Status.APPROVED:
        assert due == dt.date(2024, 9, 30)
    else:
        assert due == dt.date(2024, 6, 30)


# --- importing the same notice twice at once ----------------------------------------------------


@pytest.fixture
def directory(county, unit_a):
    f.unit(county, "天宁镇", kind="township")


def _draft(county, office) -> ImportDraft:
    data = NOTICE.encode("utf-8")
    parse = parse_file(NOTICE.encode(), "通知.txt", directory=importing.directory_for(county))
    draft = ImportDraft(
        jurisdiction=county,
        uploaded_by=office,
        filename="通知.txt",
        checksum=importing.checksum(data),
        parse=parse.to_json(),
    )
    draft.file.save("通知.txt", ContentFile(data), save=False)
    draft.save()
    return draft


# What the notice above becomes: 1 notice, 3 tasks, 3 measures, 4 assignments (the first measure
# goes to two units).
ONE_NOTICE = (1, 3, 3, 4)


def _counts(county) -> tuple[int, int, int, int]:
    return (
        Notice.objects.filter(jurisdiction=county).count(),
        Task.objects.filter(notice__jurisdiction=county).count(),
        Measure.objects.filter(task__notice__jurisdiction=county).count(),
        Assignment.objects.filter(measure__task__notice__jurisdiction=county).count(),
    )


def test_confirming_one_draft_twice_at_once_imports_it_once(
    county, directory, office, office_2, threads_db
):
    draft = _draft(county, office)

    def confirm(by):
        return lambda: importing.confirm_draft(draft=draft, by=by, carry_over=set())

    with threads_db():
        results, errors = at_once([confirm(office), confirm(office_2)])
        counts = read(lambda: _counts(county))
        saved = read(lambda: ImportDraft.objects.get(pk=draft.pk))

    assert len(results) == 1
    assert _messages(errors) == ["该导入已被处理（可能是其他人刚刚确认或放弃了它）。"]
    assert counts == ONE_NOTICE
    assert saved.status == ImportDraft.Status.CONFIRMED
    assert saved.notice_id == results[0].pk


def test_two_drafts_of_the_same_file_confirmed_at_once_make_one_notice(
    county, directory, office, office_2, threads_db
):
    """Two people uploaded the same file and confirm at the same moment: one notice, and both
    drafts lead to it (as when the same file is confirmed again later)."""
    drafts = [_draft(county, office), _draft(county, office_2)]

    def confirm(draft, by):
        return lambda: importing.confirm_draft(draft=draft, by=by, carry_over=set())

    with threads_db():
        results, errors = at_once([confirm(drafts[0], office), confirm(drafts[1], office_2)])
        counts = read(lambda: _counts(county))
        linked = read(
            lambda: list(ImportDraft.objects.order_by("pk").values_list("status", "notice_id"))
        )

    assert errors == []
    assert counts == ONE_NOTICE
    notice_id = results[0].pk
    assert {r.pk for r in results} == {notice_id}
    assert linked == [(ImportDraft.Status.CONFIRMED, notice_id)] * 2


def test_saving_the_same_parse_four_times_at_once_creates_it_once(
    county, directory, office, threads_db
):
    data = NOTICE.encode("utf-8")
    parse = parse_file(NOTICE.encode(), "通知.txt", directory=importing.directory_for(county))

    def save():
        return importing.save_parse(
            parse=parse, jurisdiction=county, data=data, filename="通知.txt", by=office
        )

    with threads_db():
        results, errors = at_once([save] * 4)
        counts = read(lambda: _counts(county))

    assert errors == []
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({notice.pk for notice, _ in results}) == 1
    assert counts == ONE_NOTICE


def test_importing_another_file_meanwhile_is_not_blocked_or_merged(
    county, directory, office, office_2, threads_db
):
    """The lock is per jurisdiction and per file: a different notice is imported alongside."""
    data = NOTICE.encode("utf-8")
    other_text = NOTICE.replace("2024年", "2025年").replace("〔2024〕", "〔2025〕")
    parse = parse_file(NOTICE.encode(), "通知.txt", directory=importing.directory_for(county))
    other = parse_file(other_text.encode(), "b.txt", directory=importing.directory_for(county))

    with threads_db():
        results, errors = at_once(
            [
                lambda: importing.save_parse(
                    parse=parse, jurisdiction=county, data=data, filename="a.txt", by=office
                ),
                lambda: importing.save_parse(
                    parse=other,
                    jurisdiction=county,
                    data=other_text.encode("utf-8"),
                    filename="b.txt",
                    by=office_2,
                ),
            ]
        )
        counts = read(lambda: _counts(county))

    assert errors == []
    assert [created for _, created in results] == [True, True]
    assert counts == (2, 6, 6, 8)
