"""Helpers shared by the format readers."""

from __future__ import annotations

import re

from importers.document import Block, Paragraph, Table
from importers.parse import NoticeImportError

# Ideographs, CJK punctuation and full-width forms: the characters between which a space is
# never meaningful in Chinese text.
_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef“”‘’《》〔〕【】（）"
_EDGE_SPACE = " \t\r\n\u00a0\u3000\u200b\ufeff"


_SOURCE_BREAK_CJK = re.compile(
    rf"(?<=[{_CJK}])[ \t\r]*\n\s*(?=[{_CJK}0-9A-Za-z%])|(?<=[{_CJK}0-9A-Za-z%])[ \t\r]*\n\s*(?=[{_CJK}])"
)


def join_source_lines(text: str) -> str:
    """Undo line breaks of markup source inside a paragraph: none at all beside Chinese text."""
    return _SOURCE_BREAK_CJK.sub("", text)


def clean_text(text: str) -> str:
    """Strip indentation (ASCII, no-break and ideographic spaces) and zero-width marks."""
    return text.replace("\u200b", "").replace("\ufeff", "").strip(_EDGE_SPACE)


def damaged(fmt_label: str, exc: BaseException | str) -> NoticeImportError:
    detail = (
        exc if isinstance(exc, str) else (type(exc).__name__ + (f"：{exc}" if str(exc) else ""))
    )
    detail = str(detail)[:200]
    return NoticeImportError(
        f"文件已损坏或格式异常，无法解析：{fmt_label}文件无法读取（{detail}）。"
        "请在原软件中打开确认无误后重新保存再上传。"
    )


# No notice or division table comes near these; a file that does is hostile or broken, and
# padding its rows to full width could take all the memory there is.
MAX_COLUMNS = 256
MAX_TABLE_CELLS = 1_000_000


def table_too_large(width: int, height: int) -> NoticeImportError:
    return NoticeImportError(
        f"文件中的表格过大（{height} 行 × {width} 列），不像是通知或分工表，"
        "文件可能已损坏。请检查后重新上传。"
    )


def pad_rows(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(r) for r in rows), default=0)
    if width > MAX_COLUMNS or width * len(rows) > MAX_TABLE_CELLS:
        raise table_too_large(width, len(rows))
    return [r + [""] * (width - len(r)) for r in rows]


def drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    if not rows:
        return rows
    width = len(rows[0])
    keep = [c for c in range(width) if any(r[c] for r in rows)]
    if len(keep) == width:
        return rows
    return [[r[c] for c in keep] for r in rows]


def _norm_row(row: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", c) for c in row]


def merge_split_tables(blocks: list[Block], *, require_header: bool = True) -> list[Block]:
    """Join a table that a page break split in two (header repeated, or not).

    Blocks between the two parts must be empty paragraphs. With ``require_header`` the second
    part must repeat the first's header row; the repeat is dropped either way, and rows inside
    a table that repeat its header (typed again after a page break) are dropped too.
    """
    out: list[Block] = []
    pending_gap: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and not block.text.strip() and not block.numbering:
            pending_gap.append(block)
            continue
        if isinstance(block, Table) and block.rows:
            rows = _drop_repeated_headers(block.rows)
            block = Table(rows=rows)
            prev = out[-1] if out else None
            if isinstance(prev, Table) and prev.rows and len(prev.rows[0]) == len(rows[0]):
                header = _norm_row(prev.rows[0])
                repeats = _norm_row(rows[0]) == header
                if repeats or not require_header:
                    prev.rows.extend(rows[1:] if repeats else rows)
                    pending_gap = []
                    continue
        out.extend(pending_gap)
        pending_gap = []
        out.append(block)
    out.extend(pending_gap)
    return out


def _drop_repeated_headers(rows: list[list[str]]) -> list[list[str]]:
    if len(rows) < 3:
        return rows
    header = _norm_row(rows[0])
    if sum(1 for c in header if c) < 2:
        return rows
    return [rows[0]] + [r for r in rows[1:] if _norm_row(r) != header]


def _full_width_value(row: list[str], lone_value_is_title: bool) -> str | None:
    values = {c for c in row if c.strip()}
    if len(values) != 1:
        return None
    value = next(iter(values))
    if lone_value_is_title or all(c == value for c in row):
        return value
    return None


def _filled(row: list[str]) -> int:
    return sum(1 for c in row if c.strip())


def _is_caption_row(rows: list[list[str]], index: int) -> bool:
    """A sparse row right above a fuller one: a caption line, not the table's header."""
    row = rows[index]
    if index + 1 >= len(rows) or len(row) < 4:
        return False
    distinct = {c for c in row if c.strip()}
    return len(distinct) <= 2 and _filled(row) * 2 < len(row) < _filled(rows[index + 1]) * 2


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(text=line.strip()) for line in text.split("\n") if line.strip()]


def table_blocks(
    rows: list[list[str]], *, lone_value_is_title: bool = False, single_row_as_text: bool = False
) -> list[Block]:
    """A table's rows as blocks: title rows above it and note rows below it become paragraphs.

    A row whose cells all hold one value (a title merged across the table, "注：……" merged
    across under it) is not a row of the table. In a spreadsheet (``lone_value_is_title``) a
    leading row with a single filled cell is a title too. A one-column table is a framed block
    of text, so its rows are paragraphs; with ``single_row_as_text`` so is a one-row table (a
    signature or letterhead laid out side by side in a Word document or a web page).
    """
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    if max(len(r) for r in rows) == 1:
        return [p for r in rows for p in _paragraphs(r[0])]
    blocks: list[Block] = []
    start = 0
    while start < len(rows):
        value = _full_width_value(rows[start], lone_value_is_title)
        if value is not None:
            blocks.extend(_paragraphs(value))
        elif lone_value_is_title and _is_caption_row(rows, start):
            # "填报单位：……　填报日期：……" between a ledger's title and its header.
            seen: list[str] = []
            for cell in rows[start]:
                if cell.strip() and cell not in seen:
                    seen.append(cell)
            blocks.extend(p for cell in seen for p in _paragraphs(cell))
        else:
            break
        start += 1
    end = len(rows)
    tail: list[Block] = []
    while end > start + 1:
        value = _full_width_value(rows[end - 1], False)
        if value is None:
            break
        tail[:0] = _paragraphs(value)
        end -= 1
    body = drop_empty_columns(rows[start:end])
    if body:
        if len(body[0]) == 1:
            blocks.extend(p for r in body for p in _paragraphs(r[0]))
        elif len(body) == 1 and single_row_as_text:
            cells = [c for i, c in enumerate(body[0]) if c.strip() and c not in body[0][:i]]
            blocks.extend(p for c in cells for p in _paragraphs(c))
        else:
            blocks.append(Table(rows=body))
    blocks.extend(tail)
    return blocks


def lift_table_titles(blocks: list[Block], *, single_row_as_text: bool = False) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table):
            out.extend(table_blocks(block.rows, single_row_as_text=single_row_as_text))
        else:
            out.append(block)
    return out
