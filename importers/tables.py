"""Division tables (重点任务分工): one task per 序号, one measure per row.

Columns are found by their header names, wherever they sit. Rows that continue a task (empty or
merged 序号 and 任务 cells, or the same 任务 repeated after a page break) add measures to it; a
missing 序号 is the next number in sequence; header rows repeated on every page are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from importers.document import Table
from importers.parse import MeasureParse, TaskParse, UnitRef
from importers.schedule import column_deadline, deadline_of, recurrence_of
from importers.textutil import clean_line, cn_to_int
from importers.units import split_units

_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(序号|编号|序)$")),
    (
        "task",
        re.compile(
            r"^(任务|主要任务|重点任务|工作任务|任务名称|任务类别|类别|项目|工作事项|重点工作)$"
        ),
    ),
    (
        "content",
        re.compile(
            r"^(主要内容|工作内容|具体内容|内容|重点工作和要求|工作措施|具体措施|主要措施|"
            r"工作要求|任务内容|工作任务及措施|具体任务|任务措施|目标任务|重点工作内容)$"
        ),
    ),
    ("lead", re.compile(r"^(牵头单位|牵头部门|牵头领导单位)$")),
    ("cooperate", re.compile(r"^(配合单位|配合部门|协办单位|协同单位)$")),
    ("units", re.compile(r"^(责任单位|责任部门|负责单位|承办单位|主体责任单位|责任主体)$")),
    ("due", re.compile(r"^(完成时限|时限|完成时间|时间要求|时间节点|完成期限)$")),
]
_CN_NUMBER = re.compile(r"^[一二三四五六七八九十]+[、.．]?$")
_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)[、.．]\s*(.+)$")


def _norm_header(cell: str) -> str:
    return re.sub(r"\s+", "", cell)


@dataclass
class _Layout:
    columns: dict[str, int]
    header: list[str]
    header_rows: int = 1  # a second header row splits 责任单位 into 牵头单位 / 配合单位


def _match_columns(row: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for col, cell in enumerate(row):
        name = _norm_header(cell)
        for key, pattern in _COLUMNS:
            if key not in columns and pattern.match(name):
                columns[key] = col
                break
    return columns


def find_header(rows: list[list[str]]) -> tuple[int, _Layout] | None:
    """The first row that names at least two known columns, one of them the content."""
    for index, row in enumerate(rows[:15]):
        columns = _match_columns(row)
        if len(columns) >= 2 and ("content" in columns or "task" in columns):
            if "content" not in columns:  # a lone 任务 column holds the content
                columns["content"] = columns.pop("task")
            layout = _Layout(columns, [_norm_header(c) for c in row])
            if index + 1 < len(rows):
                below = rows[index + 1]
                sub = _match_columns(below)
                # Every cell of a second header row is a column name or repeats the merged
                # cell above it.
                if sub and all(
                    not _norm_header(c)
                    or col in sub.values()
                    or _norm_header(c) == layout.header[col]
                    for col, c in enumerate(below[: len(layout.header)])
                ):
                    for key, col in sub.items():
                        if layout.columns.get("units") == col:
                            del layout.columns["units"]
                        layout.columns.setdefault(key, col)
                    layout.header_rows = 2
            return index, layout
    return None


def is_division_table(table: Table) -> bool:
    return find_header(table.rows) is not None


def _cell(row: list[str], layout: _Layout, key: str) -> str:
    col = layout.columns.get(key)
    if col is None or col >= len(row):
        return ""
    return clean_line(row[col])


def _number(text: str) -> int | None:
    s = re.sub(r"[\s.、．()（）]", "", text)
    return cn_to_int(s) if s else None


def table_title(table: Table) -> str | None:
    """A title row above the header: one text, maybe repeated across merged cells."""
    found = find_header(table.rows)
    limit = found[0] if found else 0
    for row in table.rows[:limit]:
        texts = {clean_line(c) for c in row if clean_line(c)}
        if len(texts) == 1:
            return texts.pop()
    return None


def build_table_tasks(table: Table, year: int | None, start_number: int = 0) -> list[TaskParse]:
    found = find_header(table.rows)
    if found is None:
        return []
    header_at, layout = found
    headers = [
        [_norm_header(c) for c in r] for r in table.rows[header_at : header_at + layout.header_rows]
    ]
    tasks: list[TaskParse] = []
    chapter: str | None = None
    last_number = start_number
    for row in table.rows[header_at + layout.header_rows :]:
        if [_norm_header(c) for c in row] in headers:
            continue  # the header repeated on a new page
        texts = [clean_line(c) for c in row]
        distinct = {t for t in texts if t}
        if not distinct:
            continue
        if len(distinct) == 1 and len(row) > 1:
            only = distinct.pop()
            m = _CHAPTER.match(only)
            if m:  # a section row spanning the table: "一、压实安全责任"
                chapter = m.group(2).strip()
                continue
        number_text = _cell(row, layout, "number")
        task_text = _cell(row, layout, "task")
        content = _cell(row, layout, "content")
        if _CN_NUMBER.match(number_text) and len(distinct - {number_text}) == 1:
            # A section row: "一" in the 序号 column, its name merged across the others.
            chapter = (distinct - {number_text}).pop()
            continue
        number = _number(number_text)
        if number_text and number is None and not content:
            continue
        current = tasks[-1] if tasks else None
        same = current is not None and (
            (number is not None and current.number == str(number))
            or (number is None and (not task_text or task_text == current.title))
        )
        if not same:
            if number is None:
                number = last_number + 1
            last_number = max(last_number, number)
            current = TaskParse(number=str(number), chapter=chapter, title=task_text or None)
            tasks.append(current)
        assert current is not None
        if not content:
            continue
        units: list[UnitRef] = []
        units += split_units(_cell(row, layout, "lead"), "lead")
        units += split_units(_cell(row, layout, "units"))
        units += split_units(_cell(row, layout, "cooperate"), "cooperate")
        due_text = _cell(row, layout, "due")
        due = column_deadline(due_text, year) if due_text else None
        current.measures.append(
            MeasureParse(
                text=content,
                units=units,
                recurrence=recurrence_of(content)
                or (recurrence_of(due_text) if due_text else None),
                due=due or deadline_of(content, year),
            )
        )
    return [t for t in tasks if t.measures]
