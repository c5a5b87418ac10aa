"""PDF (as published on government websites) → ``Document``, through pdfplumber.

Each visual line of the body becomes one ``Paragraph``: rejoining sentences broken across lines
is the builder's job. What the reader does: drops page furniture (``- 16 -``, ``— 213 —``,
``第3页``, running headers repeated on every page), removes the spaces extraction puts between
Chinese characters, maps Kangxi-radical look-alikes back to ordinary characters, and emits
ruled tables as ``Table`` blocks where they stand. A line indented from the page's left margin
starts with two ideographic spaces (``"\u3000\u3000"``), so the builder can tell where a
paragraph begins.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import unicodedata
from collections import Counter

from importers.document import Block, Document, Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.common import damaged, lift_table_titles, merge_split_tables, pad_rows

logger = logging.getLogger(__name__)

MAX_PAGES = 500

SCAN_MESSAGE = (
    "这个 PDF 是扫描件（只有图片，没有文字层），无法读取其中的文字。"
    "请上传通知的 Word 原件，或先用 OCR 文字识别软件处理后再上传。"
)
CID_MESSAGE = (
    "这个 PDF 的字体没有文字编码，提取出的是乱码，无法读取。"
    "请上传通知的 Word 原件，或先用 OCR 文字识别软件处理后再上传。"
)

_DASHES = "-－—–‒―─━ー一"
_PAGE_NUMBER = re.compile(
    rf"^(?:[{_DASHES}~·•\s]*\d{{1,4}}[{_DASHES}~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
# "- 16 -" and "— 213 —" are page numbers wherever they stand; a bare number only in a margin.
_DASHED_NUMBER = re.compile(rf"^[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+$")
_RADICALS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")
_CJK_CHAR = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]")


def _normalise_radicals(text: str) -> str:
    # Fonts in many Chinese PDFs map 生, 工, 门 … to Kangxi radicals (⽣, ⼯, ⻔) that look the
    # same but compare differently; NFKC maps them back.
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


# A lone character spaced from the next ("抄 送", "附 件", "通 知"): one letter-spaced word.
_LETTERSPACED = re.compile(r"(?:(?<=^)|(?<=\s))([\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _clean_line(text: str) -> str:
    text = _normalise_radicals(text).strip()
    for _ in range(8):
        joined = _LETTERSPACED.sub(r"\1", text)
        if joined == text:
            break
        text = joined
    return text


def read_pdf(data: bytes) -> Document:
    try:
        return _read(data)
    except NoticeImportError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
        raise damaged("PDF", exc) from exc


def _read(data: bytes) -> Document:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if "password" in repr(exc).lower() or "encrypt" in repr(exc).lower():
            raise NoticeImportError(
                "这个 PDF 设置了打开密码，无法读取。请取消密码后重新上传，或上传 Word 原件。"
            ) from exc
        raise
    with pdf:
        pages = pdf.pages
        if not pages:
            raise NoticeImportError("文件已损坏或格式异常，无法解析：PDF 中没有任何页面。")
        if len(pages) > MAX_PAGES:
            raise NoticeImportError(
                f"PDF 共 {len(pages)} 页，过长，不像是一份通知。请只上传通知本身。"
            )
        page_items = [_page_items(page) for page in pages]
        # The PDF's own Title is often a template's leftover (another body's name), so unused.
        meta: dict[str, str] = {}
        total_chars = sum(
            len(v) if isinstance(v, str) else sum(len(c) for row in v.rows for c in row)
            for items in page_items
            for _, v in items
            if isinstance(v, (str, Table))
        )
        # A scan has no text, or only a stamp's or a page number's worth on pages of pictures.
        if total_chars == 0 or (
            total_chars < 20 * len(pages) and sum(len(p.images) for p in pages) >= len(pages)
        ):
            raise NoticeImportError(SCAN_MESSAGE)
    joined = "".join(t for items in page_items for _, t in items if isinstance(t, str))
    if joined.count("(cid:") * 6 > len(joined) * 0.3:
        raise NoticeImportError(CID_MESSAGE)
    repeated = _running_lines(page_items)
    blocks: list[Block] = []
    for items in page_items:
        for kind, value in items:
            if isinstance(value, Table):
                blocks.append(value)
            elif isinstance(value, str) and _squash(value) not in repeated:
                blocks.append(Paragraph(text=value, heading=kind == "heading"))
    # Pages split a table without repeating anything; join the parts when nothing stands between.
    return Document(
        blocks=merge_split_tables(lift_table_titles(blocks), require_header=False),
        meta=meta,
        source_format="pdf",
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _running_lines(page_items: list[list[tuple[str, object]]]) -> set[str]:
    """Margin lines that repeat on most pages (digits ignored): running headers and footers."""
    if len(page_items) < 3:
        return set()
    counts: Counter[str] = Counter()
    by_key: dict[str, set[str]] = {}
    for items in page_items:
        seen: set[str] = set()
        for kind, value in items:
            if kind == "margin" and isinstance(value, str):
                key = re.sub(r"\d+", "#", _squash(value))
                if key not in seen:
                    seen.add(key)
                    counts[key] += 1
                    by_key.setdefault(key, set()).add(_squash(value))
    out: set[str] = set()
    for key, n in counts.items():
        if n >= max(3, len(page_items) * 0.6):
            out |= by_key[key]
    return out


def _page_items(page) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """("body" | "margin", text) lines and ("table", Table) blocks of one page, top to bottom."""
    page = page.dedupe_chars()
    if not page.chars:
        return []
    height = float(page.height or 842)
    top_margin, bottom_margin = height * 0.075, height * 0.9
    tables = _ruled_tables(page)
    boxes = [bbox for bbox, _ in tables]
    # Text set sideways in a margin (装订线, a vertical stamp) is not part of the body; on a page
    # that is mostly sideways (a rotated attachment) it is the body.
    sideways = sum(1 for c in page.chars if not c.get("upright", True))
    drop_sideways = 0 < sideways < len(page.chars) * 0.2

    def keep(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        if drop_sideways and not obj.get("upright", True):
            return False
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in boxes)

    text_page = page.filter(keep) if boxes or drop_sideways else page
    lines = text_page.extract_text_lines(strip=True, return_chars=True)
    margin = _left_margin(lines)
    fonts = Counter(c.get("fontname", "") for c in page.chars if _CJK_CHAR.match(c.get("text", "")))
    body_font = fonts.most_common(1)[0][0] if fonts else ""
    items: list[tuple[float, str, object]] = []
    for line in lines:
        text = _clean_line(_line_text(line["chars"]))
        if not text:
            continue
        squashed = _squash(text)
        in_margin = line["bottom"] <= top_margin or line["top"] >= bottom_margin
        if _DASHED_NUMBER.match(squashed) or (in_margin and _PAGE_NUMBER.match(squashed)):
            continue
        size = max(float(line["bottom"] - line["top"]), 1.0)
        # A first-line indent is two characters; centred lines (titles, signatures) are not.
        offset = line["x0"] - margin if margin is not None else 0.0
        if size * 1.4 <= offset <= size * 2.8 and len(text) > 1:
            text = "\u3000\u3000" + text
        kind = "margin" if in_margin else "body"
        if kind == "body" and _in_heading_font(line["chars"], body_font):
            kind = "heading"
        items.append((float(line["top"]), kind, text))
    for bbox, table in tables:
        items.append((float(bbox[1]), "table", table))
    items.sort(key=lambda item: item[0])
    return [(kind, value) for _, kind, value in items]


# Official documents set titles in 小标宋, 一、 headings in 黑体 and （一） headings in 楷体, the
# body in 仿宋: a whole line in one of the former is a heading that extraction would lose.
_HEADING_FONT = re.compile(r"Hei|黑|Kai|楷|KT|HT|XBS|标宋|Bold", re.IGNORECASE)


def _in_heading_font(chars: list[dict], body_font: str) -> bool:
    cjk = [c.get("fontname", "") for c in chars if _CJK_CHAR.match(c.get("text", ""))]
    if not cjk:
        return False
    special = sum(1 for f in cjk if f != body_font and _HEADING_FONT.search(f.split("+")[-1]))
    return special >= len(cjk) * 0.8


def _line_text(chars: list[dict]) -> str:
    """A line's text from its characters' positions.

    Spaces come from gaps, not from the PDF's space glyphs or pdfplumber's word spacing: a step
    much wider than the line's usual character pitch separates (two issuers side by side on a
    signature line); otherwise a space stands only between Latin letters and digits. Justified
    Chinese lines, whose characters stand apart evenly, read without spaces.
    """
    glyphs = [c for c in chars if (c.get("text") or "").strip()]
    steps = sorted(float(b["x0"]) - float(a["x0"]) for a, b in itertools.pairwise(glyphs))
    pitch = steps[len(steps) // 2] if steps else 0.0
    out: list[str] = []
    prev: dict | None = None
    spaced = False
    for ch in chars:
        text = ch.get("text") or ""
        if not text or text.isspace():
            spaced = True
            continue
        if prev is not None:
            size = max(float(prev.get("size") or 0), float(ch.get("size") or 0))
            if size <= 0:
                size = float(ch["bottom"] - ch["top"]) or 10.0
            step = float(ch["x0"]) - float(prev["x0"])
            gap = float(ch["x0"]) - float(prev["x1"])
            a, b = prev["text"][-1], text[0]
            latin = a.isascii() and b.isascii()
            if pitch > 0 and step > max(pitch * 1.8, pitch + size * 0.8) and gap > size * 0.5:
                out.append(" ")
            elif latin and a.isalnum() and b.isalnum():
                if spaced or gap > size * 0.2:
                    out.append(" ")
            elif latin and spaced:
                out.append(" ")
        out.append(text)
        prev = ch
        spaced = False
    return "".join(out)


def _left_margin(lines: list[dict]) -> float | None:
    """The most common left edge of the page's lines: where unindented text starts."""
    if not lines:
        return None
    edges = Counter(round(float(line["x0"])) for line in lines if len(line["text"]) >= 8)
    if not edges:
        return None
    return float(min(edge for edge, n in edges.items() if n >= max(edges.values()) * 0.5))


def _ruled_tables(page) -> list[tuple[tuple[float, float, float, float], Table]]:  # type: ignore[no-untyped-def]
    # Finding tables is the slow part of pdfplumber; a page without ruling lines has none.
    edges = len(page.rects) + len(page.lines) + len(page.curves)
    if edges < 4:
        return []
    out: list[tuple[tuple[float, float, float, float], Table]] = []
    for found in page.find_tables():
        rows = _table_rows(found)
        if len(rows) >= 2 and len(rows[0]) >= 2:
            out.append((tuple(found.bbox), Table(rows=rows)))
    return out


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    lines = [_clean_line(line) for line in text.split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and not (_CJK_CHAR.search(out[-1]) or _CJK_CHAR.search(line[0])):
            out += " "
        out += line
    return out


def _table_rows(found) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Rows of a pdfplumber table; a merged cell's text repeated over every position it covers."""
    raw = found.extract()
    rows = [[_cell_text(c) if c is not None else None for c in row] for row in raw]
    row_spans = [r.bbox for r in found.rows]
    col_spans = [c.bbox for c in found.columns]
    grid: list[list[str | None]] = [list(r) for r in rows]
    for cell in found.cells:
        x0, top, x1, bottom = cell
        covered_rows = [
            i for i, b in enumerate(row_spans) if top - 1 <= (b[1] + b[3]) / 2 <= bottom + 1
        ]
        covered_cols = [j for j, b in enumerate(col_spans) if x0 - 1 <= (b[0] + b[2]) / 2 <= x1 + 1]
        if not covered_rows or not covered_cols:
            continue
        anchor_r, anchor_c = covered_rows[0], covered_cols[0]
        if anchor_r >= len(grid) or anchor_c >= len(grid[anchor_r]):
            continue
        value = grid[anchor_r][anchor_c]
        for i in covered_rows:
            for j in covered_cols:
                if i < len(grid) and j < len(grid[i]) and grid[i][j] is None:
                    grid[i][j] = value
    result = [[c or "" for c in row] for row in grid]
    result = [r for r in result if any(c.strip() for c in r)]
    return pad_rows(result)
