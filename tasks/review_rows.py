"""The review queue's rows (审核) as light objects instead of model instances.

A page of 25 completion requests and 25 extension requests built some 350 model instances
(assignment, unit, measure, task, notice, reports, authors, files, requesters): more than
the rest of the page. The page's rows are read with ``values_list`` in the same queries (the
filtered, ordered queryset, sliced), their newest completion request and its files by id;
the objects below carry what tasks/tables/reviews.py reads of them, and no more.
"""

from __future__ import annotations

from safetyplan import sqlmemo
from tasks.light import Listed, light_measure
from tasks.measure_rows import UnitName
from tasks.models import Assignment, Evidence, ProgressReport

ROLE_LABELS: dict[str, str] = dict(Assignment.Role.choices)


class _User:
    """What the cells read of a person: ``get_full_name() or get_username()``."""

    __slots__ = ("first_name", "last_name", "username")

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_username(self) -> str:
        return self.username


class _File:
    __slots__ = ("original_name", "pk", "size")


class _Report:
    __slots__ = ("author", "created_at", "evidence", "percent", "text")


class QueueAssignment:
    """An assignment as the queue's cells read it."""

    __slots__ = (
        "completion_reports", "due_date", "latest_report_at", "measure", "original_due_date",
        "pk", "role", "unit", "version",
    )  # fmt: skip

    def get_role_display(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class QueueExtension:
    __slots__ = ("assignment", "created_at", "pk", "reason", "requested_by", "requested_date")


ASSIGNMENT = (
    "pk", "version", "role", "due_date", "original_due_date", "unit__name", "measure__text",
    "measure__task__number", "measure__task__title", "measure__task__notice__title",
)  # fmt: skip


def _assignment(values) -> QueueAssignment:
    a = QueueAssignment()
    (a.pk, a.version, a.role, a.due_date, a.original_due_date, unit_name, text, number, title,
     notice_title) = values  # fmt: skip
    a.unit, a.measure = UnitName(unit_name), light_measure(text, number, title, notice_title)
    return a


def _user(first_name: str, last_name: str, username: str) -> _User:
    user = _User()
    user.first_name, user.last_name, user.username = first_name, last_name, username
    return user


def _newest_reports(ids: list[int]):
    reports = ProgressReport.objects.filter(
        assignment_id__in=ids, kind=ProgressReport.Kind.COMPLETION
    )
    return reports.order_by("assignment_id", "-created_at", "-id").values_list(
        "id", "assignment_id", "text", "percent", "created_at",
        "author__first_name", "author__last_name", "author__username",
    )  # fmt: skip


def _files(ids: list[int]):
    files = Evidence.objects.filter(report_id__in=ids).order_by("pk")
    return files.values_list("report_id", "pk", "original_name", "size")


def completion_rows(values: list[tuple]) -> list[QueueAssignment]:
    """The page's assignments from their ``ASSIGNMENT`` values and ``latest_report_at``, each
    with its newest completion request (``completion_reports``: it or nothing) and its files."""
    rows = []
    for *fields, latest_report_at in values:
        row = _assignment(fields)
        row.latest_report_at, row.completion_reports = latest_report_at, []
        rows.append(row)
    by_pk = {row.pk: row for row in rows}
    by_report: dict[int, _Report] = {}
    for rid, aid, text, percent, created_at, *author in sqlmemo.value_rows_of(
        ("review_reports",), _newest_reports, list(by_pk)
    ):
        if by_pk[aid].completion_reports:
            continue  # an older request, sent back: the cell shows the newest
        report = _Report()
        report.text, report.percent, report.created_at = text, percent, created_at
        report.author, report.evidence = _user(*author), Listed()
        by_pk[aid].completion_reports = [report]
        by_report[rid] = report
    if by_report:
        for report_id, pk, name, size in sqlmemo.value_rows_of(
            ("review_files",), _files, list(by_report)
        ):
            item = _File()
            item.pk, item.original_name, item.size = pk, name, size
            by_report[report_id].evidence.append(item)
    return rows


EXTENSION = (
    "pk", "created_at", "requested_date", "reason", "requested_by__first_name",
    "requested_by__last_name", "requested_by__username",
    *(f"assignment__{name}" for name in ASSIGNMENT),
)  # fmt: skip


def extension_rows(values: list[tuple]) -> list[QueueExtension]:
    rows = []
    for pk, created_at, requested_date, reason, first, last, username, *fields in values:
        row = QueueExtension()
        row.pk, row.created_at, row.requested_date, row.reason = (
            pk, created_at, requested_date, reason
        )  # fmt: skip
        row.requested_by, row.assignment = _user(first, last, username), _assignment(fields)
        rows.append(row)
    return rows
