"""Numbering and issuing 督办单, and the data of a 通报. Every write is atomic, keyword-only,
and records who did it.

Numbers (交安办督〔2024〕3号) run per jurisdiction and year without gaps: the counter row is
locked (``select_for_update``) for the whole transaction that issues, so that two people issuing
at the same moment get consecutive numbers, and a failed issue gives its number back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from reports import documents, ranking
from reports.models import DocumentCounter, Reminder, SupervisionNotice
from tasks.models import Assignment, ProgressReport
from units.models import Jurisdiction, Unit

SUPERVISION = "supervision"
REPLY_DAYS = 7


def office_name(jurisdiction: Jurisdiction) -> str:
    return jurisdiction.office_name or f"{jurisdiction.name}安全生产委员会办公室"


# ---- numbers ------------------------------------------------------------------------------------


@transaction.atomic
def take_number(*, jurisdiction: Jurisdiction, kind: str, year: int) -> int:
    """The next number of ``kind`` for ``jurisdiction`` in ``year``. The counter stays locked
    until the caller's transaction ends: call it inside the transaction that uses the number."""
    key = {"jurisdiction": jurisdiction, "kind": kind, "year": year}
    try:
        with transaction.atomic():  # a savepoint: a lost race does not spoil the caller
            DocumentCounter.objects.get_or_create(**key)
    except IntegrityError:
        pass  # another request created it at the same moment; it is there now
    counter = DocumentCounter.objects.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# ---- what is overdue ------------------------------------------------------------------------------


def overdue_assignments(assignments: QuerySet[Assignment], *, on: dt.date) -> QuerySet:
    """The late ones (``AssignmentQuerySet.late``) of ``assignments``, measures not withdrawn."""
    return assignments.filter(measure__withdrawn=False).late(on=on)


def overdue_counts(
    units: QuerySet[Unit], assignments: QuerySet[Assignment], *, on: dt.date
) -> QuerySet[Unit]:
    """The units with overdue items, annotated ``overdue`` and ``supervised`` (督办单 received
    this year), the most overdue first. One query."""
    late = overdue_assignments(assignments, on=on).values("pk")
    supervised = (
        SupervisionNotice.objects.filter(unit=OuterRef("pk"), year=on.year)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        units.annotate(
            overdue=Count("assignments", filter=Q(assignments__pk__in=late), distinct=True),
            supervised=Coalesce(Subquery(supervised, output_field=IntegerField()), Value(0)),
        )
        .filter(overdue__gt=0)
        .order_by("-overdue", "jurisdiction__path", "order", "pk")
    )


def _items(unit: Unit, assignments: QuerySet[Assignment], *, on: dt.date) -> list[Assignment]:
    latest = ProgressReport.objects.order_by("-created_at", "-id")
    return list(
        overdue_assignments(assignments.filter(unit=unit), on=on)
        .select_related("measure__task__notice")
        .prefetch_related(Prefetch("reports", queryset=latest))
        .order_by("due_date", "measure__task__order", "measure__order", "pk")
    )


def _item(a: Assignment, on: dt.date) -> documents.OverdueItem:
    reports = list(a.reports.all())
    progress = ""
    if reports:
        r = reports[0]
        day = documents.cn_date(timezone.localdate(r.created_at))
        progress = f"{r.text}（{day}报送，进度{r.percent}%）"
    missed = a.missed_periods_list(on)
    days = (on - a.due_date).days if a.due_date and a.due_date < on else 0
    return documents.OverdueItem(
        task=str(a.measure.task),
        measure=a.measure.text,
        due_date=a.due_date,
        days_overdue=days,
        missed_periods=[p.label for p in missed],
        progress=progress,
    )


def _reason(a: Assignment, on: dt.date) -> str:
    if a.due_date and a.due_date < on:
        return Reminder.Reason.OVERDUE
    return Reminder.Reason.PERIOD_MISSED


# ---- issuing --------------------------------------------------------------------------------------


def check_can_issue(jurisdiction: Jurisdiction) -> None:
    if not jurisdiction.document_prefix:
        raise ValidationError(
            f"“{jurisdiction}”尚未设置督办单文号前缀（如：交安办督），"
            "请系统管理员在“行政区划”中填写后再签发。",
            code="no_prefix",
        )


@transaction.atomic
def issue_supervision(
    *,
    jurisdiction: Jurisdiction,
    unit: Unit,
    assignments: QuerySet[Assignment],
    by,
    reply_by: dt.date,
    today: dt.date,
) -> SupervisionNotice:
    """Number and issue a 督办单 to ``unit`` for its overdue items among ``assignments`` (the
    issuer's reach), record a 催办 (kind 督办单) on each, and store the .docx."""
    check_can_issue(jurisdiction)
    if reply_by <= today:
        raise ValidationError("回复期限必须晚于今天。", code="reply_by")
    items = _items(unit, assignments, on=today)
    if not items:
        raise ValidationError(f"“{unit}”目前没有逾期任务，无需督办。", code="nothing_overdue")
    number = take_number(jurisdiction=jurisdiction, kind=SUPERVISION, year=today.year)
    notice = SupervisionNotice.objects.create(
        jurisdiction=jurisdiction,
        unit=unit,
        year=today.year,
        number=number,
        doc_number=documents.doc_number(jurisdiction.document_prefix, today.year, number),
        reply_by=reply_by,
        issued_by=by,
    )
    Reminder.objects.bulk_create(
        Reminder(
            assignment=a,
            kind=Reminder.Kind.SUPERVISION,
            reason=_reason(a, today),
            supervision=notice,
            created_by=by,
            created_at=notice.issued_at,
        )
        for a in items
    )
    titles = list(dict.fromkeys(a.measure.task.notice.title for a in items))
    data = documents.SupervisionData(
        number=notice.doc_number,
        office_name=office_name(jurisdiction),
        unit_name=unit.name,
        items=[_item(a, today) for a in items],
        reply_by=reply_by,
        issued_on=today,
        notice_titles=titles,
        contact=_contact(by),
    )
    name = f"supervision-{jurisdiction.pk}-{today.year}-{number}.docx"
    notice.file.save(name, ContentFile(documents.supervision_docx(data)), save=True)
    return notice


@transaction.atomic
def issue_supervisions(
    *,
    jurisdiction: Jurisdiction,
    units: Sequence[Unit],
    assignments: QuerySet[Assignment],
    by,
    reply_by: dt.date,
    today: dt.date,
) -> list[SupervisionNotice]:
    """One 督办单 to each of ``units``, numbered consecutively; all or none."""
    if not units:
        raise ValidationError("目前没有存在逾期任务的单位，无需督办。", code="nothing_overdue")
    return [
        issue_supervision(
            jurisdiction=jurisdiction,
            unit=unit,
            assignments=assignments,
            by=by,
            reply_by=reply_by,
            today=today,
        )
        for unit in units
    ]


def _contact(user) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    profile = getattr(user, "profile", None)
    phone = getattr(profile, "phone", "") if profile else ""
    if name and phone:
        return f"{name}，联系电话：{phone}"
    return name


def default_reply_by(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=REPLY_DAYS)


# ---- 通报 -------------------------------------------------------------------------------------


def bulletin_data(
    *,
    jurisdiction: Jurisdiction,
    units: QuerySet[Unit],
    assignments: QuerySet[Assignment],
    period: ranking.Period,
    today: dt.date,
) -> documents.BulletinData:
    """The figures of a 通报 (one query for all units)."""
    as_of = period.as_of(today)
    rows = list(
        ranking.ranked(
            units,
            assignments.filter(measure__withdrawn=False),
            on=period.judged_on(today),
            as_of=as_of,
        )
    )
    figures = [
        documents.UnitFigures(
            rank=u.rank,
            name=u.name,
            assigned=u.assigned,
            completed=u.completed,
            on_time=u.on_time,
            overdue=u.overdue,
            completion_rate=u.completion_rate,
            on_time_rate=u.on_time_rate,
        )
        for u in rows
    ]
    overdue_units = sorted(
        ((u.name, u.overdue) for u in rows if u.overdue),
        key=lambda pair: -pair[1],
    )
    return documents.BulletinData(
        office_name=office_name(jurisdiction),
        jurisdiction_name=jurisdiction.name,
        period_label=period.label,
        as_of=as_of,
        issued_on=today,
        rows=figures,
        overdue_units=overdue_units,
    )


def bulletin_document(**kwargs) -> bytes:
    """The 通报 as a .docx (arguments of ``bulletin_data``)."""
    return documents.bulletin_docx(bulletin_data(**kwargs))
