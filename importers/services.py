"""The database side of importing: the directory as plain data, and saving a confirmed parse."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from importers.api import parse_file_limited
from importers.models import ImportDraft
from importers.parse import (
    Directory,
    DirectoryGroup,
    DirectoryUnit,
    MeasureParse,
    NoticeImportError,
    NoticeParse,
)
from importers.revisions import Diff, OldMeasure, diff_measures
from importers.serialize import parse_from_json
from tasks.models import Assignment, Measure, Notice, Task
from units.models import Jurisdiction, Unit, UnitGroup


def directory_for(jurisdiction: Jurisdiction) -> Directory:
    """The jurisdiction's units, aliases and groups, for the parser (which has no database)."""
    units = Unit.objects.filter(jurisdiction=jurisdiction, is_active=True).prefetch_related(
        "aliases"
    )
    groups = UnitGroup.objects.filter(jurisdiction=jurisdiction)
    return Directory(
        units=[
            DirectoryUnit(
                id=u.pk, name=u.name, aliases=[a.name for a in u.aliases.all()], kind=u.kind
            )
            for u in units
        ],
        groups=[
            DirectoryGroup(
                id=g.pk,
                name=g.name,
                aliases=g.alias_list(),
                member_ids=list(g.resolve().values_list("pk", flat=True)),
            )
            for g in groups
        ],
    )


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def save_parse(
    *,
    parse: NoticeParse,
    jurisdiction: Jurisdiction,
    data: bytes,
    filename: str,
    by,
) -> tuple[Notice, bool]:
    """Save a confirmed parse as a notice with its tasks, measures and assignments.

    Returns ``(notice, created)``. The same file imported again changes nothing. Units the parse
    matched to the directory become assignments; a group becomes one assignment per member;
    units the office has still to choose (各有关部门) or to add (new names) are left out.
    """
    digest = checksum(data)
    # Two people confirming the same file at once: both would find no notice with this checksum
    # and both insert one. Imports into a jurisdiction take turns on its row (NO KEY UPDATE, so
    # other rows pointing at the jurisdiction are not held up), and the second then finds the first.
    Jurisdiction.objects.select_for_update(no_key=True).only("pk").get(pk=jurisdiction.pk)
    existing = Notice.objects.filter(jurisdiction=jurisdiction, checksum=digest).first()
    if existing is not None:
        return existing, False
    if not parse.tasks:
        raise ValidationError("解析结果中没有任何任务，未导入。请检查文件内容。")
    if not parse.year:
        raise ValidationError("无法确定通知的年度，请在预览中填写后再确认。")
    notice = Notice(
        jurisdiction=jurisdiction,
        title=(parse.title or filename)[:300],
        doc_number=(parse.doc_number or "")[:100],
        issuer=(parse.issuer or "")[:200],
        year=parse.year,
        issued_on=parse.issued_on,
        kind=parse.kind,
        source_name=filename[:255],
        checksum=digest,
        parse=parse.to_json(),
        imported_by=by,
    )
    notice.source_file.save(filename or "notice", ContentFile(data), save=False)
    notice._history_user = by
    notice.save()
    units = {u.pk: u for u in Unit.objects.filter(jurisdiction=jurisdiction)}
    for t_order, tp in enumerate(parse.tasks):
        task = Task.objects.create(
            notice=notice,
            number=(tp.number or "")[:20],
            chapter=(tp.chapter or "")[:200],
            title=(tp.title or "")[:300],
            order=t_order,
        )
        for m_order, mp in enumerate(tp.measures):
            _create_measure(task, m_order, mp, units, by)
    return notice, True


def _create_measure(task: Task, order: int, mp: MeasureParse, units: dict, by) -> Measure:
    """A measure and one assignment per unit the parse matched (a group: each member)."""
    measure = Measure(
        task=task,
        text=mp.text,
        topic=(mp.topic or "")[:200],
        order=order,
        recurrence=mp.recurrence or "",
        due_date=mp.due,
    )
    measure._history_user = by
    measure.save()
    seen: set[int] = set()
    for ref in mp.units:
        ids = [ref.unit_id] if ref.unit_id is not None else list(ref.member_ids)
        for unit_id in ids:
            if unit_id in seen or unit_id not in units:
                continue
            seen.add(unit_id)
            assignment = Assignment(
                measure=measure, unit=units[unit_id], role=ref.role, due_date=mp.due, assigned_by=by
            )
            assignment._history_user = by
            assignment.save()
    return measure


def find_previous_version(jurisdiction: Jurisdiction, parse: NoticeParse) -> Notice | None:
    """The notice this parse revises: same 文号, or else same title, in the jurisdiction."""
    notices = Notice.objects.filter(jurisdiction=jurisdiction)
    if parse.doc_number:
        found = notices.filter(doc_number=parse.doc_number).order_by("-imported_at").first()
        if found:
            return found
    if parse.title:
        return notices.filter(title=parse.title).order_by("-imported_at").first()
    return None


def old_measures(notice: Notice) -> list[OldMeasure]:
    measures = Measure.objects.filter(task__notice=notice, withdrawn=False).order_by(
        "task__order", "order", "id"
    )
    return [OldMeasure(id=m.pk, text=m.text) for m in measures]


@transaction.atomic
def apply_revision(
    *,
    notice: Notice,
    parse: NoticeParse,
    data: bytes,
    filename: str,
    by,
    carry_over: set[int],
) -> Diff:
    """Bring ``notice`` to the revised ``parse`` without losing anything.

    Unchanged measures keep their rows, assignments and reports. A changed measure whose id is
    in ``carry_over`` takes the new text and keeps its assignments (history keeps the old text);
    otherwise it is withdrawn and the new text becomes a new measure. Removed measures are
    withdrawn, never deleted. Added ones are created with the units the parse matched.
    """
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    diff = diff_measures(old_measures(notice), parse)
    keep = {pos: old.id for old, pos in diff.unchanged}
    keep.update({pos: old.id for old, pos in diff.changed if old.id in carry_over})
    measures = Measure.objects.in_bulk([*keep.values(), *(o.id for o in diff.removed)])
    measures.update(Measure.objects.in_bulk([o.id for o, _ in diff.changed]))
    units = {u.pk: u for u in Unit.objects.filter(jurisdiction=notice.jurisdiction)}
    # A task with the same number, chapter and title is the same task: keep its row.
    old_tasks = {(t.number, t.chapter, t.title): t for t in notice.tasks.all()}
    for t_order, tp in enumerate(parse.tasks):
        key = ((tp.number or "")[:20], (tp.chapter or "")[:200], (tp.title or "")[:300])
        task = old_tasks.pop(key, None)
        if task is None:
            task = Task(notice=notice, number=key[0], chapter=key[1], title=key[2])
        task.order = t_order
        task._history_user = by
        task.save()
        for m_order, mp in enumerate(tp.measures):
            old_id = keep.get((t_order, m_order))
            if old_id is not None:
                measure = measures[old_id]
                measure.task, measure.order, measure.text = task, m_order, mp.text
                measure._history_user = by
                measure.save(update_fields=["task", "order", "text"])
            else:
                _create_measure(task, m_order, mp, units, by)
    withdrawn = [o.id for o in diff.removed]
    withdrawn += [o.id for o, _ in diff.changed if o.id not in carry_over]
    for measure_id in withdrawn:
        measure = measures[measure_id]
        measure.withdrawn = True
        measure._history_user = by
        measure.save(update_fields=["withdrawn"])
    # Tasks left out of the new version keep their (withdrawn) measures, for the record.
    for t_order, task in enumerate(old_tasks.values(), start=len(parse.tasks)):
        task.order = t_order
        task.save(update_fields=["order"])
    notice.title = (parse.title or notice.title)[:300]
    notice.doc_number = (parse.doc_number or notice.doc_number)[:100]
    notice.issuer = (parse.issuer or notice.issuer)[:200]
    notice.year = parse.year or notice.year
    notice.issued_on = parse.issued_on or notice.issued_on
    notice.checksum = checksum(data)
    notice.parse = parse.to_json()
    notice.source_name = filename[:255]
    notice.source_file.save(filename or "notice", ContentFile(data), save=False)
    notice._history_user = by
    notice.save()
    return diff


class AlreadyImported(Exception):
    def __init__(self, notice: Notice):
        super().__init__(notice.title)
        self.notice = notice


def create_draft(*, upload, jurisdiction: Jurisdiction, by, timeout: float) -> ImportDraft:
    """Parse an uploaded file under a time limit and keep it as a draft for the office.

    The very file already imported raises ``AlreadyImported``: importing it again changes nothing.
    """
    data = upload.read()
    same = Notice.objects.filter(jurisdiction=jurisdiction, checksum=checksum(data)).first()
    if same is not None:
        raise AlreadyImported(same)
    parse = parse_file_limited(
        data, upload.name, directory=directory_for(jurisdiction), timeout=timeout
    )
    if not parse.tasks:
        raise NoticeImportError(
            "文件中没有找到任何任务或措施。请确认上传的是通知正文或任务分工表，而不是封面或附件。"
        )
    previous = find_previous_version(jurisdiction, parse)
    draft = ImportDraft(
        jurisdiction=jurisdiction,
        uploaded_by=by,
        filename=upload.name[:255],
        checksum=checksum(data),
        parse=parse.to_json(),
        revision_of=previous if previous and previous.checksum != checksum(data) else None,
    )
    draft.file.save(upload.name or "notice", ContentFile(data), save=False)
    draft.save()
    return draft


@transaction.atomic
def confirm_draft(*, draft: ImportDraft, by, carry_over: set[int]) -> Notice:
    """Save the office's corrected parse: a new notice, or a revision of the earlier one."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != ImportDraft.Status.DRAFT:
        raise ValidationError("该导入已被处理（可能是其他人刚刚确认或放弃了它）。")
    parse = parse_from_json(draft.parse)
    with draft.file.open("rb") as f:
        data = f.read()
    if draft.revision_of_id:
        apply_revision(
            notice=draft.revision_of, parse=parse, data=data, filename=draft.filename, by=by,
            carry_over=carry_over,
        )  # fmt: skip
        notice = draft.revision_of
    else:
        notice, _ = save_parse(
            parse=parse, jurisdiction=draft.jurisdiction, data=data, filename=draft.filename, by=by
        )
    draft.status = ImportDraft.Status.CONFIRMED
    draft.notice = notice
    draft.save(update_fields=["status", "notice"])
    return notice
