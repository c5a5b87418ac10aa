"""``Document`` → ``NoticeParse``: the format-independent half of every importer.

The notice's parts follow GB/T 9704: the head (版头, 文号, title, 主送机关), the body (a preamble,
then 一、 chapters), the signature with its date, then 抄送 and the 印发 line, and attachments.
Only the body becomes tasks; division tables, wherever they are, become tasks row by row.
"""

from __future__ import annotations

import re

from importers.document import Document, Paragraph, Table
from importers.lines import join_lines, marker_level
from importers.meta import extract_meta, find_signature, find_title
from importers.parse import Directory, NoticeParse, TaskParse
from importers.prose import build_prose_tasks
from importers.tables import build_table_tasks, find_header, table_title
from importers.textutil import clean_line, is_furniture_line, text_line
from importers.units import UnitIndex

# Lines that close the body: GB/T 9704's closing formula, 附件说明, 抄送, the 印发 line.
# (Contact lines do not: a section may end with its own; the prose builder skips them.)
_BODY_END = re.compile(
    r"^\s*(特此(通知|通报|函告|报告)|后附\s*[：:]|附\s*[：:]|附件\s*[：:\d１-９一二三四五六七八九]|附\s*件\s*$|抄\s*送|抄\s*报|"
    r"[（(]此件(公开发布|不公开|依申请公开)[）)]|"
    r"[^\s，。]{2,30}\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?\s*印发\s*$)"
)
# What each _BODY_END branch opens with after the indent (or, for the 印发 line, holds).
_BODY_END_OPENERS = ("特此", "后附", "附", "抄")


def _ends_body(line: str) -> bool:
    s = line.lstrip()
    if not (
        s.startswith(_BODY_END_OPENERS)
        or (s.startswith(("（", "(")) and "此件" in s)
        or "印发" in line
    ):
        return False  # most lines: no need to try every branch of the pattern
    return bool(_BODY_END.match(line))


_SALUTATION = re.compile(r"^[^。！？]{2,200}[：:]\s*$")
_INDENT = re.compile(r"^(\u3000|\s{2,})")


def _flatten(document: Document) -> tuple[list[str], list[bool], list[tuple[int, Table]]]:
    """Text lines in reading order, and the division tables with the line index they follow."""
    lines: list[str] = []
    indented: list[bool] = []  # the line began with a first-line indent
    tables: list[tuple[int, Table]] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            text = block.numbering + block.text.lstrip() if block.numbering else block.text
            for raw in text.split("\n"):
                cleaned = text_line(raw)
                if cleaned:
                    lines.append(cleaned)
                    indented.append(bool(_INDENT.match(raw)))
        elif isinstance(block, Table):
            if find_header(block.rows) is not None:
                tables.append((len(lines), block))
                continue
            # A layout table (a web page's metadata box, a signature grid): its cells are lines.
            for row in block.rows:
                seen: list[str] = []
                for cell in row:
                    cleaned = clean_line(cell)
                    if cleaned and cleaned not in seen and not is_furniture_line(cleaned):
                        seen.append(cleaned)
                lines.extend(seen)
                indented.extend(False for _ in seen)
    return lines, indented, tables


def _body_range(lines: list[str], title_at: int) -> tuple[int, int]:
    """The body: from the first heading (or after the 主送机关 line) to the signature."""
    salutation = None
    for i in range(title_at + 1, min(len(lines), 40)):
        if marker_level(lines[i]):
            break  # the body has begun: a line ending in ： past here is body text
        if _SALUTATION.match(lines[i]):
            salutation = i
            break
    begin = salutation + 1 if salutation is not None else title_at + 1
    end = len(lines)
    sig_start = find_signature(lines, begin)[0]
    if sig_start is not None:
        end = sig_start
    for i in range(begin, end):
        if _ends_body(lines[i]):
            end = i
            break
    # Text before the first heading is the preamble; an attachment's headings do not count.
    first_heading = next((i for i in range(begin, end) if marker_level(lines[i]) in (1, 2)), None)
    if first_heading is None:
        first_heading = next(
            (i for i in range(0, begin) if marker_level(lines[i]) in (1, 2) and i > title_at), None
        )
    return (first_heading if first_heading is not None else begin), end


def _attachment_tasks(
    lines: list[str], indented: list[bool], after: int, year: int | None
) -> list[TaskParse]:
    begin = next((i for i in range(after, len(lines)) if marker_level(lines[i]) in (1, 2)), None)
    if begin is None:
        return []
    end = next((i for i in range(begin, len(lines)) if _ends_body(lines[i])), len(lines))
    signature = find_signature(lines, begin)[0]
    if signature is not None:
        end = min(end, signature)
    return build_prose_tasks(join_lines(lines[begin:end], indented[begin:end]), year)


def _title_line(lines: list[str]) -> int:
    return find_title(lines[:30])[1]


def build_notice(document: Document, *, directory: Directory | None = None) -> NoticeParse:
    lines, indented, tables = _flatten(document)
    title_at = _title_line(lines)
    start, end = _body_range(lines, title_at)
    meta = extract_meta(lines, document.meta, start)
    parse = NoticeParse(
        title=meta.title,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        year=meta.year,
        issued_on=meta.issued_on,
        source_format=document.source_format,
    )
    if parse.title is None:
        parse.title = next((t for _, tb in tables if (t := table_title(tb))), None)
    if parse.year is None and parse.title:
        found = re.search(r"((?:19|20)\d{2})\s*年", parse.title)
        parse.year = int(found.group(1)) if found else None
    body = join_lines(lines[start:end], indented[start:end]) if start < end else []
    prose_tasks = build_prose_tasks(body, parse.year)
    if all(t.number is None and t.chapter is None for t in prose_tasks):
        # A cover letter ("关于印发《……工作要点》的通知") whose plan follows as an attachment:
        # the attachment's headed items are the tasks.
        attached = _attachment_tasks(lines, indented, end, parse.year)
        if attached:
            prose_tasks = attached
    table_tasks: list[TaskParse] = []
    for _, table in tables:
        table_tasks.extend(build_table_tasks(table, parse.year))
    # Beside a division table, prose without any heading is a note ("注：……"), not the body.
    prose_is_note = all(t.number is None and t.chapter is None for t in prose_tasks)
    if table_tasks and prose_is_note:
        parse.kind = "division_table"
        parse.tasks = table_tasks
    else:
        parse.tasks = prose_tasks + table_tasks
    if not parse.tasks:
        parse.warnings.append(
            "未能从文件中识别出任何任务或措施，请检查文件内容是否为年度安全生产工作通知或任务分工表。"
        )
    units = UnitIndex(directory)
    for task in parse.tasks:
        for measure in task.measures:
            if not measure.units:
                continue  # most measures: no units, nothing to resolve or to warn about
            units.resolve(measure.units)
            if any(u.needs_choice for u in measure.units):
                parse.warnings.append(
                    f"措施“{measure.text[:20]}……”的责任单位含“有关部门”等泛指，请办公室指定具体单位。"
                )
    return parse
