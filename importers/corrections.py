"""The office's corrections to a parse, before it is confirmed: pure functions, no database.

The preview shows each measure's units in the notation the notices themselves use
("县应急局牵头；县住建局、县交通局配合；各乡镇"), so that the office edits them as it would
write them, and the same unit splitter reads them back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from importers.parse import Directory, MeasureParse, NoticeParse, TaskParse, UnitRef
from importers.units import resolve_units, split_units

RECURRENCES = ("weekly", "monthly", "quarterly", "semiannual", "yearly")


def format_units(units: list[UnitRef]) -> str:
    """Units as a 责任单位 cell: leads, then cooperating units, then the rest."""
    by_role: dict[str, list[str]] = {"lead": [], "cooperate": [], "responsible": []}
    for ref in units:
        by_role.setdefault(ref.role, []).append(ref.name)
    clauses = []
    if by_role["lead"]:
        clauses.append("、".join(by_role["lead"]) + "牵头")
    if by_role["cooperate"]:
        clauses.append("、".join(by_role["cooperate"]) + "配合")
    if by_role["responsible"]:
        clauses.append("、".join(by_role["responsible"]))
    return "；".join(clauses)


def read_units(text: str, directory: Directory | None) -> list[UnitRef]:
    refs = split_units(text)
    resolve_units(refs, directory)
    return refs


@dataclass
class MeasureEdit:
    task: int  # index of the task it belongs to
    text: str
    units: str
    due: dt.date | None = None
    recurrence: str = ""
    topic: str = ""
    merge_next: bool = False  # join with the following measure of the same task
    delete: bool = False


@dataclass
class TaskEdit:
    number: str = ""
    chapter: str = ""
    title: str = ""


@dataclass
class Corrections:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    year: int | None = None
    issued_on: dt.date | None = None
    tasks: list[TaskEdit] = field(default_factory=list)
    measures: list[MeasureEdit] = field(default_factory=list)


def apply_corrections(
    parse: NoticeParse, edits: Corrections, directory: Directory | None
) -> NoticeParse:
    """A new parse with the office's edits. A measure's text holding blank lines is split
    into one measure per paragraph; ``merge_next`` joins it to the next one of its task."""
    tasks = [
        TaskParse(
            number=t.number.strip() or None,
            chapter=t.chapter.strip() or None,
            title=t.title.strip() or None,
        )
        for t in edits.tasks
    ]
    pending: MeasureParse | None = None
    pending_task = -1
    for edit in edits.measures:
        if edit.delete or not (0 <= edit.task < len(tasks)):
            continue
        pieces = [p.strip() for p in edit.text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        if not pieces:
            continue
        units = read_units(edit.units, directory)
        for i, piece in enumerate(pieces):
            measure = MeasureParse(
                text=" ".join(line.strip() for line in piece.splitlines() if line.strip()),
                topic=edit.topic.strip() or None,
                units=[UnitRef(**vars(u)) for u in units] if i else units,
                recurrence=edit.recurrence if edit.recurrence in RECURRENCES else None,
                due=edit.due,
            )
            if pending is not None and pending_task == edit.task:
                pending.text += measure.text
                names = {u.name for u in pending.units}
                pending.units += [u for u in measure.units if u.name not in names]
                pending.due = pending.due or measure.due
                pending.recurrence = pending.recurrence or measure.recurrence
                measure = pending
            else:
                tasks[edit.task].measures.append(measure)
            last = i == len(pieces) - 1
            pending, pending_task = (
                (measure, edit.task) if (last and edit.merge_next) else (None, -1)
            )
    return NoticeParse(
        title=edits.title or parse.title,
        doc_number=edits.doc_number if edits.doc_number is not None else parse.doc_number,
        issuer=edits.issuer if edits.issuer is not None else parse.issuer,
        year=edits.year or parse.year,
        issued_on=edits.issued_on if edits.issued_on is not None else parse.issued_on,
        kind=parse.kind,
        tasks=[t for t in tasks if t.measures],
        source_format=parse.source_format,
        warnings=review_warnings(tasks),
    )


def review_warnings(tasks: list[TaskParse]) -> list[str]:
    """What the office still has to decide before the assignments are complete."""
    vague = sorted({u.name for t in tasks for m in t.measures for u in m.units if u.needs_choice})
    new = sorted({u.name for t in tasks for m in t.measures for u in m.units if u.is_new})
    warnings = []
    if vague:
        warnings.append(f"以下泛指的单位需要安委办指定具体单位：{'、'.join(vague)}。")
    if new:
        warnings.append(f"以下单位不在单位目录中，确认后不会生成任务分配：{'、'.join(new)}。")
    return warnings
