"""Plain text: a notice pasted from Word, a PDF viewer or a web page, in UTF-8 or GBK.

Every non-empty line becomes a ``Paragraph`` (the builder re-joins lines that a PDF broke
mid-sentence). Division tables pasted from Word arrive as one cell per tab-indented line, rows
separated by blank lines; they are rebuilt into ``Table`` blocks.
"""

from __future__ import annotations

import csv
import re

from importers.document import Block, Document, Paragraph, Table
from importers.parse import NoticeImportError
from importers.textutil import clean_line, is_furniture_line, strip_furniture

# Header cells of a division table; a group of cell lines holding two of them is the header.
HEADER_WORDS = re.compile(
    r"^(序号|编号|任务|主要任务|重点任务|工作任务|任务名称|主要内容|工作内容|具体内容|内容|重点工作和要求|"
    r"工作措施|具体措施|工作要求|任务内容|责任单位|牵头单位|配合单位|责任部门|牵头部门|配合部门|"
    r"完成时限|时限|完成时间|时间要求|备注)$"
)
# "发文字号潞城政发〔2020〕1号 发文时间2020-02-18": the metadata table of a government web page.
META_LABELS = (
    "索引号",
    "发文字号",
    "发文时间",
    "发文机关",
    "主题词",
    "标题",
    "主题分类",
    "发布日期",
    "成文日期",
    "发布机构",
    "文号",
    "有效性",
    "所属主题",
)
_META_SPLIT = re.compile("(" + "|".join(META_LABELS) + r")\s*[:：]?\s*")


_INDENT = re.compile(r"^(\u3000|[ \u00a0]{2})")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NoticeImportError(
                "文本文件编码无法识别，请另存为 UTF-8 编码后重新导入。"
            ) from exc
    if b"\x00" in data:
        raise NoticeImportError("文件不是文本文件，无法按文本导入。请确认文件格式后重新导入。")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise NoticeImportError(
            "文本文件编码无法识别（既不是 UTF-8 也不是 GBK），请另存为 UTF-8 编码后重新导入。"
        ) from exc


def _parse_meta(line: str) -> dict[str, str] | None:
    """A web page's metadata line, as {label: value}, or None when the line is not one."""
    s = line.strip()
    if not s.startswith(META_LABELS):
        return None
    parts = _META_SPLIT.split(s)
    meta: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        if parts[i + 1].strip():
            meta[parts[i]] = parts[i + 1].strip()
    return meta or None


def _is_cell_line(line: str) -> bool:
    return line.lstrip(" ").startswith("\t")


def _table_groups(lines: list[str]) -> list[list[str]]:
    """Cell lines grouped into rows: blank lines separate rows, and a line opening with a
    space before its tab starts a row whose first cell is empty (how Word pastes them)."""
    groups: list[list[str]] = []
    current: list[str] | None = None
    for raw in lines:
        if not raw.strip() and not raw.startswith("\t"):
            if current:
                groups.append(current)
            current = None
            continue
        if raw.startswith(" ") and raw.lstrip(" ").startswith("\t"):
            if current:
                groups.append(current)
            current = [""]
        if current is None:
            current = []
        text = raw.strip()
        if text and not strip_furniture(text).strip():
            continue  # a cell line holding only a page number
        current.append(clean_line(text))
    if current:
        groups.append(current)
    return groups


def _rebuild_table(lines: list[str]) -> list[Block]:
    groups = _table_groups(lines)
    header_at = next(
        (i for i, g in enumerate(groups) if sum(bool(HEADER_WORDS.match(c)) for c in g) >= 2), None
    )
    blocks: list[Block] = []
    if header_at is None:
        widths = [len(g) for g in groups if len(g) > 1]
        if not widths:
            return [Paragraph(c) for g in groups for c in g if c]
        ncols = max(set(widths), key=widths.count)
        start = 0
    else:
        ncols = len(groups[header_at])
        for g in groups[:header_at]:  # a title above the header
            blocks.extend(Paragraph(c) for c in g if c)
        start = header_at
    rows: list[list[str]] = []
    pending: list[str] = []
    for g in groups[start:]:
        # A page break splits a row in two ("3- 16 -", then the rest of the row): join pieces
        # until they make up a full row.
        if pending and len(pending) + len(g) <= ncols:
            pending = pending + g
        else:
            if pending:
                rows.append(pending)
            pending = list(g)
        if len(pending) >= ncols:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    fixed: list[list[str]] = []
    for row in rows:
        if len(row) > ncols:  # a cell of several paragraphs: fold the surplus into the widest
            extra = len(row) - ncols
            widest = max(range(len(row) - extra), key=lambda i: len(row[i]))
            merged = "".join(row[widest : widest + extra + 1])
            row = [*row[:widest], merged, *row[widest + extra + 1 :]]
        fixed.append(row + [""] * (ncols - len(row)))
    blocks.append(Table(rows=fixed))
    return blocks


def _is_tsv_line(line: str) -> bool:
    """A row copied from a spreadsheet: cells separated by tabs on one line."""
    fields = line.lstrip(" ").split("\t")
    return len(fields) >= 3 or (len(fields) == 2 and bool(fields[0].strip()))


def _tsv_region(lines: list[str], i: int) -> int:
    """End of the spreadsheet rows starting at ``i``; a quoted cell may span lines."""
    j = i
    open_quote = False
    while j < len(lines) and (open_quote or _is_tsv_line(lines[j])):
        open_quote ^= lines[j].count('"') % 2 == 1
        j += 1
    return j


def _tsv_table(lines: list[str]) -> Table:
    rows = [[clean_line(c) for c in row] for row in csv.reader(lines, delimiter="\t")]
    width_ = max(len(r) for r in rows)
    return Table(rows=[r + [""] * (width_ - len(r)) for r in rows if any(r)])


def read_txt(data: bytes) -> Document:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    doc = Document(source_format="txt")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_tsv_line(line):
            j = _tsv_region(lines, i)
            if j - i >= 2:
                doc.blocks.append(_tsv_table(lines[i:j]))
                i = j
                continue
        if _is_cell_line(line):
            j = i
            # A table runs while lines are cells or blanks between cells.
            while j < len(lines) and (_is_cell_line(lines[j]) or not lines[j].strip()):
                j += 1
            cell_lines = sum(1 for k in range(i, j) if _is_cell_line(lines[k]))
            if cell_lines >= 4:
                doc.blocks.extend(_rebuild_table(lines[i:j]))
                i = j
                continue
        i += 1
        if is_furniture_line(line):
            continue
        meta = _parse_meta(line)
        if meta is not None:
            for key, value in meta.items():
                doc.meta.setdefault(key, value)
            continue
        cleaned = clean_line(line)
        if cleaned:
            # Keep a first-line indent: where only some lines have one, it opens a paragraph.
            indent = "\u3000\u3000" if _INDENT.match(line) else ""
            doc.blocks.append(Paragraph(indent + cleaned))
    return doc
