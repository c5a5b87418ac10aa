"""Writes that touch several models: each one atomic, keyword-only, and recorded with its author.

Every change to an assignment goes through ``_lock``, which takes a row lock and checks the
version the user saw, so that the second of two people acting at once is told instead of
silently overwriting the first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tasks import periods
from tasks.models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    Measure,
    ProgressReport,
    Recurrence,
    Review,
)
from units.models import Unit, UnitGroup


class ConflictError(ValidationError):
    """Somebody else changed the assignment since the user loaded the page."""


def _lock(assignment: Assignment, expected_version: int | None) -> Assignment:
    locked = Assignment.objects.select_for_update().select_related("measure").get(pk=assignment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            "该任务刚刚已被他人处理（当前状态：%(status)s），您的操作未保存，请刷新页面后查看。",
            code="conflict",
            params={"status": locked.get_status_display()},
        )
    return locked


def _save(assignment: Assignment, fields: Iterable[str], user) -> None:
    assignment.version += 1
    assignment._history_user = user
    assignment.save(update_fields=[*fields, "version"])


def expand_units(*, units: Iterable[Unit] = (), groups: Iterable[UnitGroup] = ()) -> list[Unit]:
    """The units named directly plus every member of each group, once each, in order."""
    seen: dict[int, Unit] = {}
    for unit in units:
        seen.setdefault(unit.pk, unit)
    for group in groups:
        for unit in group.resolve():
            seen.setdefault(unit.pk, unit)
    return list(seen.values())


@transaction.atomic
def assign_units(
    *,
    measure: Measure,
    units: Sequence[Unit],
    role: str,
    by,
    due_date: dt.date | None = None,
) -> list[Assignment]:
    """Give ``measure`` to each unit. A unit that already has it is refused, naming it."""
    if role not in Assignment.Role.values:
        raise ValidationError(f"未知的角色：{role}")
    jurisdiction_id = measure.task.notice.jurisdiction_id
    for unit in units:
        if unit.jurisdiction_id != jurisdiction_id and not (
            unit.jurisdiction.path.startswith(measure.task.notice.jurisdiction.path)
        ):
            raise ValidationError(f"“{unit}”不属于本通知的行政区划，不能分配。")
    taken = set(
        Assignment.objects.filter(measure=measure, unit__in=units).values_list(
            "unit__name", flat=True
        )
    )
    if taken:
        raise ValidationError(
            f"以下单位已分配过此措施，不能重复分配：{'、'.join(sorted(taken))}。", code="duplicate"
        )
    created = []
    for unit in units:
        assignment = Assignment(
            measure=measure,
            unit=unit,
            role=role,
            due_date=due_date if due_date is not None else measure.due_date,
            assigned_by=by,
        )
        assignment._history_user = by
        assignment.full_clean(validate_unique=False, validate_constraints=False)
        assignment.save()
        created.append(assignment)
    return created


def _check_files(files: Sequence[UploadedFile]) -> None:
    from tasks.uploads import validate_evidence_file, validate_evidence_total

    validate_evidence_total(files)
    for f in files:
        validate_evidence_file(f)


@transaction.atomic
def report_progress(
    *,
    assignment: Assignment,
    author,
    text: str,
    percent: int,
    period_start: dt.date | None = None,
    files: Sequence[UploadedFile] = (),
    completion: bool = False,
    expected_version: int | None = None,
) -> ProgressReport:
    """Add a report (never overwrite one). ``completion`` also asks the office to close it."""
    locked = _lock(assignment, expected_version)
    if locked.status == Assignment.Status.DONE:
        raise ValidationError("该任务已办结，不能再报送进展。", code="done")
    if locked.status == Assignment.Status.REQUESTED:
        raise ValidationError("该任务已申请办结，正在等待安委办审核。", code="requested")
    if not text or not text.strip():
        raise ValidationError("请填写进展情况。", code="required")
    if completion and not files:
        raise ValidationError("申请办结须上传佐证材料。", code="evidence")
    _check_files(files)
    recurrence = locked.measure.recurrence
    period_index = None
    if recurrence:
        day = period_start or timezone.localdate()
        period_index = periods.period_index(day, recurrence)
        period_start = periods.Period(recurrence, period_index).start
    else:
        period_start = None
    report = ProgressReport(
        assignment=locked,
        author=author,
        kind=ProgressReport.Kind.COMPLETION if completion else ProgressReport.Kind.PROGRESS,
        text=text.strip(),
        percent=percent,
        period_start=period_start,
        period_index=period_index,
    )
    report.full_clean()
    report.save()
    for f in files:
        Evidence.objects.create(
            report=report,
            file=f,
            original_name=f.name[:255],
            size=f.size or 0,
            content_type=getattr(f, "content_type", "") or "",
        )
    fields = ["latest_percent", "latest_report_at"]
    locked.latest_percent = report.percent
    locked.latest_report_at = report.created_at
    if completion:
        locked.transition_to(Assignment.Status.REQUESTED)
        fields += ["status"]
    elif locked.status == Assignment.Status.NOT_STARTED:
        locked.transition_to(Assignment.Status.IN_PROGRESS)
        fields += ["status"]
    _save(locked, fields, author)
    return report


@transaction.atomic
def review_completion(
    *,
    assignment: Assignment,
    reviewer,
    accept: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Review:
    """办结 (accept) or 退回 (return, with a reason) the pending completion request."""
    locked = _lock(assignment, expected_version)
    if locked.status != Assignment.Status.REQUESTED:
        raise ValidationError("该任务没有待审核的办结申请。", code="not_requested")
    request = (
        locked.reports.filter(kind=ProgressReport.Kind.COMPLETION)
        .order_by("-created_at", "-id")
        .first()
    )
    review = Review(
        assignment=locked,
        report=request,
        decision=Review.Decision.ACCEPT if accept else Review.Decision.RETURN,
        reason=reason.strip(),
        reviewer=reviewer,
    )
    review.full_clean()
    review.save()
    locked.transition_to(Assignment.Status.DONE if accept else Assignment.Status.IN_PROGRESS)
    _save(locked, ["status", "completed_at"], reviewer)
    return review


@transaction.atomic
def request_extension(
    *,
    assignment: Assignment,
    by,
    requested_date: dt.date,
    reason: str,
) -> ExtensionRequest:
    locked = _lock(assignment, None)
    if locked.status == Assignment.Status.DONE:
        raise ValidationError("该任务已办结，无需延期。")
    if not reason or not reason.strip():
        raise ValidationError("请填写延期理由。")
    if locked.due_date and requested_date <= locked.due_date:
        raise ValidationError("申请延至的日期必须晚于当前完成时限。")
    if locked.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError("已有一份待审批的延期申请。")
    return ExtensionRequest.objects.create(
        assignment=locked, requested_by=by, requested_date=requested_date, reason=reason.strip()
    )


@transaction.atomic
def decide_extension(
    *,
    extension: ExtensionRequest,
    by,
    approve: bool,
    new_date: dt.date | None = None,
    note: str = "",
) -> ExtensionRequest:
    """Approve with a new date (the original stays for assessment) or refuse."""
    ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if ext.status != ExtensionRequest.Status.PENDING:
        raise ValidationError("该延期申请已处理过。")
    locked = _lock(ext.assignment, None)
    ext.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    ext.decided_by = by
    ext.decided_at = timezone.now()
    ext.decision_note = note.strip()
    if approve:
        ext.approved_date = new_date or ext.requested_date
        if locked.original_due_date is None:
            locked.original_due_date = locked.due_date
        locked.due_date = ext.approved_date
        _save(locked, ["due_date", "original_due_date"], by)
    ext.save()
    return ext


# --- Bulk actions on measures (措施台账): assign units, set a due date, set a recurrence -------


@dataclass(frozen=True)
class AssignmentPlan:
    """What a bulk assignment does to one measure: the units it gains and those it already has."""

    measure: Measure
    new_units: list[Unit]
    existing_units: list[Unit]


def _check_bulk_measures(measures: Sequence[Measure]) -> None:
    if not measures:
        raise ValidationError("请先勾选要操作的措施。", code="required")
    withdrawn = [m for m in measures if m.withdrawn]
    if withdrawn:
        names = "；".join(f"“{m.text[:20]}”" for m in withdrawn)
        raise ValidationError(f"以下措施已撤销，不能操作：{names}。", code="withdrawn")


def _locked_measures(measures: Sequence[Measure]) -> list[Measure]:
    return list(
        Measure.objects.select_for_update(of=("self",))
        .select_related("task__notice__jurisdiction")
        .filter(pk__in=[m.pk for m in measures])
        .order_by("pk")
    )


def plan_assignments(*, measures: Sequence[Measure], units: Sequence[Unit]) -> list[AssignmentPlan]:
    """For each measure, which of ``units`` it would gain and which already have it (skipped)."""
    taken: dict[int, set[int]] = defaultdict(set)
    pairs = Assignment.objects.filter(measure__in=measures, unit__in=units).values_list(
        "measure_id", "unit_id"
    )
    for measure_id, unit_id in pairs:
        taken[measure_id].add(unit_id)
    return [
        AssignmentPlan(
            measure=m,
            new_units=[u for u in units if u.pk not in taken[m.pk]],
            existing_units=[u for u in units if u.pk in taken[m.pk]],
        )
        for m in measures
    ]


def check_units_within(*, measures: Sequence[Measure], units: Sequence[Unit]) -> None:
    """Refuse, naming them, units outside the jurisdiction of a measure's notice."""
    units = list(Unit.objects.select_related("jurisdiction").filter(pk__in=[u.pk for u in units]))
    for measure in measures:
        notice = measure.task.notice
        outside = [u.name for u in units if not u.jurisdiction.is_within(notice.jurisdiction)]
        if outside:
            raise ValidationError(
                f"{'、'.join(outside)}不属于《{notice.title}》的行政区划（{notice.jurisdiction}），"
                "不能分配。",
                code="outside",
            )


@transaction.atomic
def bulk_assign_units(
    *, measures: Sequence[Measure], units: Sequence[Unit], role: str, by
) -> list[AssignmentPlan]:
    """Give every measure to every unit that does not have it yet, one assignment each.

    Units that already have a measure are skipped (the returned plans name them), never doubled.
    """
    if role not in Assignment.Role.values:
        raise ValidationError(f"未知的角色：{role}", code="role")
    if not units:
        raise ValidationError("请选择要分配的单位或单位群组。", code="no_units")
    _check_bulk_measures(measures)
    locked = _locked_measures(measures)
    _check_bulk_measures(locked)
    check_units_within(measures=locked, units=units)
    plans = plan_assignments(measures=locked, units=units)
    for plan in plans:
        for unit in plan.new_units:
            assignment = Assignment(
                measure=plan.measure,
                unit=unit,
                role=role,
                due_date=plan.measure.due_date,
                assigned_by=by,
            )
            assignment._history_user = by
            assignment.save()
    return plans


@transaction.atomic
def set_due_date(*, measures: Sequence[Measure], due_date: dt.date, by) -> int:
    """Set the due date of the measures and of their assignments not yet 已办结.

    An assignment keeps its ``original_due_date`` (what assessment counts) when it has one;
    otherwise its current date (or, if it had none, this one) becomes the original.
    Returns the number of assignments changed.
    """
    if due_date is None:
        raise ValidationError("请填写完成时限。", code="required")
    _check_bulk_measures(measures)
    locked = _locked_measures(measures)
    _check_bulk_measures(locked)
    for measure in locked:
        if measure.due_date != due_date:
            measure.due_date = due_date
            measure._history_user = by
            measure.save(update_fields=["due_date"])
    changed = 0
    assignments = (
        Assignment.objects.select_for_update()
        .filter(measure__in=locked)
        .exclude(status=Assignment.Status.DONE)
        .order_by("pk")
    )
    for assignment in assignments:
        if assignment.due_date == due_date and assignment.original_due_date is not None:
            continue
        if assignment.original_due_date is None:
            assignment.original_due_date = assignment.due_date or due_date
        assignment.due_date = due_date
        _save(assignment, ["due_date", "original_due_date"], by)
        changed += 1
    return changed


@transaction.atomic
def set_recurrence(*, measures: Sequence[Measure], recurrence: str, by) -> int:
    """Set how often the measures are reported on ("" = once). Returns the number changed."""
    if recurrence not in ("", *Recurrence.values):
        raise ValidationError(f"未知的报送周期：{recurrence}", code="recurrence")
    _check_bulk_measures(measures)
    locked = _locked_measures(measures)
    _check_bulk_measures(locked)
    changed = 0
    for measure in locked:
        if measure.recurrence != recurrence:
            measure.recurrence = recurrence
            measure._history_user = by
            measure.save(update_fields=["recurrence"])
            changed += 1
    return changed
