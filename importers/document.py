"""The seam between format readers and the notice builder.

A reader (docx, xlsx, pdf, html, txt …) turns bytes into a ``Document``: a flat sequence of
paragraphs and tables in reading order, with page furniture (footers, page numbers, web-page
chrome) already left out where the format lets the reader know it. The builder turns a
``Document`` into a ``NoticeParse`` without knowing which format it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    # The heading number that Word's automatic numbering shows but the text does not hold
    # ("一、", "（一）", "1."), or "" when the paragraph has none.
    numbering: str = ""
    # True when the source marks the paragraph as a heading (a Word heading style, <h1>…).
    heading: bool = False


@dataclass
class Table:
    # Rows of cell texts, in order. A cell covered by a merge (vertical or horizontal) repeats
    # the text of the merge's first cell, so every row has the full width of the table.
    rows: list[list[str]]


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    # Metadata the container states outright (an HTML page's 发文字号 / 发文时间 table, a
    # .docx core title), keyed by the Chinese label: {"发文字号": "…", "发文时间": "…"}.
    meta: dict[str, str] = field(default_factory=dict)
    # "docx", "xlsx", "xls", "pdf", "html", "txt", "doc", "wps".
    source_format: str = ""
