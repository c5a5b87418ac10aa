"""What .xlsx and .xls readers share: a sheet grid with merges → title paragraphs and a table."""

from __future__ import annotations

import datetime as dt

from importers.document import Block
from importers.readers.common import (
    clean_text,
    drop_empty_columns,
    merge_split_tables,
    table_blocks,
)


def cell_text(value: object) -> str:
    """A cell value as the office reads it: 3.0 → "3", dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == 0 and not value.microsecond:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value)
    if text.startswith("#") and text.rstrip("!?/0A").upper() in ("#N/", "#DIV", "#REF", "#VALUE"):
        return ""
    return clean_text(text.replace("\r\n", "\n").replace("_x000D_", ""))


def grid_blocks(grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> list[Block]:
    """Blocks of one sheet.

    ``grid`` holds the sheet's used range (row-major, 0-based); ``merges`` are inclusive
    (first_row, first_col, last_row, last_col) ranges whose top-left value every covered cell
    repeats. Rows above the header that hold one value (a title merged across the table) become
    paragraphs before the table, as do notes below it, so the builder sees title then table.
    """
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    rows = [r + [""] * (width - len(r)) for r in grid]
    # A row is empty by what was typed into it: one that only a merge reaches (the blank lines
    # of a tall merged cell, the second line of a two-row title) adds nothing.
    typed = [any(r) for r in rows]
    # Title rows are recognised by their merge spanning the width, before the merge fills them.
    for r0, c0, r1, c1 in merges:
        if r0 >= height or c0 >= width:
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, width - 1) + 1):
                row[c] = value
    rows = [r for r, keep in zip(rows, typed, strict=True) if keep]
    rows = drop_empty_columns(rows)
    if not rows:
        return []
    return merge_split_tables(table_blocks(rows, lone_value_is_title=True))
