"""Word .docx → ``Document``.

The package is read directly (zipfile + lxml) rather than through python-docx's object model:
walking the body XML once keeps paragraphs and tables in reading order, gives merged cells
without python-docx's slow per-cell lookups, and lets numbering be counted in document order.
Headers and footers live in parts of their own and are never opened, so page numbers stay out.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from importers.document import Block, Document, Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.common import (
    MAX_COLUMNS,
    clean_text,
    damaged,
    lift_table_titles,
    merge_split_tables,
    pad_rows,
    table_too_large,
)
from importers.readers.numbering import Numbering
from importers.sniff import check_zip_limits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DC = "http://purl.org/dc/elements/1.1/"
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, R, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
PPR, RPR, TCPR, TRPR = _w("pPr"), _w("rPr"), _w("tcPr"), _w("trPr")
SDT, SDTCONTENT = _w("sdt"), _w("sdtContent")
VAL = _w("val")
ALT_CHUNK = _w("altChunk")
ALT, CHOICE, FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"

# Elements whose runs are part of the paragraph's visible text.
_CONTAINERS = {
    _w(t)
    for t in (
        "hyperlink",
        "ins",
        "smartTag",
        "customXml",
        "fldSimple",
        "sdt",
        "sdtContent",
        "moveTo",
        "dir",
        "bdo",
    )
}
_TEXTBOX = _w("txbxContent")

_HEADING_NAME = re.compile(r"^(heading\s*\d|title|subtitle|标题(\s*\d)?|副标题)$", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
    )


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None


class _Styles:
    def __init__(self, root: etree._Element | None):
        self.styles: dict[str, _Style] = {}
        self.default_para: str | None = None
        if root is None:
            return
        for st in root.iter(_w("style")):
            if st.get(_w("type"), "paragraph") != "paragraph":
                continue
            sid = st.get(_w("styleId"))
            if sid is None:
                continue
            style = _Style()
            name = st.find(_w("name"))
            style.name = (name.get(VAL) or "") if name is not None else ""
            based = st.find(_w("basedOn"))
            style.based_on = based.get(VAL) if based is not None else None
            ppr = st.find(PPR)
            if ppr is not None:
                num_pr = ppr.find(_w("numPr"))
                if num_pr is not None:
                    nid = num_pr.find(_w("numId"))
                    lvl = num_pr.find(_w("ilvl"))
                    style.num_id = nid.get(VAL) if nid is not None else None
                    style.ilvl = _to_int(lvl.get(VAL)) if lvl is not None else None
                outline = ppr.find(_w("outlineLvl"))
                if outline is not None:
                    style.outline = _to_int(outline.get(VAL))
            self.styles[sid] = style
            if st.get(_w("default")) in ("1", "true"):
                self.default_para = sid

    def chain(self, sid: str | None) -> list[_Style]:
        out: list[_Style] = []
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen and len(out) < 20:
            seen.add(sid)
            out.append(self.styles[sid])
            sid = self.styles[sid].based_on
        return out

    def is_heading(self, sid: str | None) -> bool:
        for style in self.chain(sid):
            if _HEADING_NAME.match(style.name.strip()):
                return True
            if style.outline is not None and 0 <= style.outline < 9:
                return True
        return False

    def numbering(self, sid: str | None) -> tuple[str | None, int | None]:
        for style in self.chain(sid):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None

    def style_num_map(self) -> dict[str, tuple[str, int | None]]:
        return {sid: (s.num_id, s.ilvl) for sid, s in self.styles.items() if s.num_id is not None}


def _to_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def read_docx(data: bytes) -> Document:
    check_zip_limits(data)
    try:
        return _DocxReader(data).read()
    except NoticeImportError:
        raise
    except Exception as exc:  # any failure inside a damaged package
        raise damaged("Word（.docx）", exc) from exc


class _DocxReader:
    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())

    def _xml(self, name: str | None) -> etree._Element | None:
        if not name or name not in self.names:
            return None
        data = self.zip.read(name)
        if STRICT_W.encode() in data:
            # "Strict Open XML" differs from ordinary .docx in its namespaces only.
            data = data.replace(STRICT_W.encode(), W.encode())
        return etree.fromstring(data, _parser())

    def _rels(self, part: str, by_id: dict[str, str] | None = None) -> dict[str, str]:
        """Relationship type suffix → target part name (and, into ``by_id``, id → target)."""
        folder, base = posixpath.split(part)
        root = self._xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, str] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{REL}}}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            out.setdefault(kind, posixpath.normpath(path))
            if by_id is not None and rel.get("Id"):
                by_id[rel.get("Id", "")] = posixpath.normpath(path)
        return out

    def read(self) -> Document:
        main = self._rels("").get("officeDocument", "word/document.xml")
        if main not in self.names:
            main = "word/document.xml"
        root = self._xml(main)
        if root is None:
            raise NoticeImportError(
                "文件已损坏或格式异常，无法解析：Word 文件缺少正文部分。请重新保存后上传。"
            )
        self.targets: dict[str, str] = {}
        rels = self._rels(main, self.targets)
        self.styles = _Styles(self._xml(rels.get("styles")))
        self.numbering = Numbering(self._xml(rels.get("numbering")), self.styles.style_num_map())
        body = root.find(_w("body"))
        blocks: list[Block] = []
        if body is not None:
            self._walk(body, blocks)
        if not any(_has_text(b) for b in blocks):
            if body is not None and next(body.iter(_w("drawing"), _w("pict")), None) is not None:
                raise NoticeImportError(
                    "这个 Word 文件里只有图片，没有文字（可能是粘贴进去的扫描件），无法读取。"
                    "请上传文字版的通知，或先用 OCR 文字识别软件处理后再上传。"
                )
            raise NoticeImportError("这个 Word 文件里没有任何文字内容。请确认上传的是通知文件。")
        return Document(
            blocks=merge_split_tables(lift_table_titles(blocks, single_row_as_text=True)),
            meta=self._core_meta(),
            source_format="docx",
        )

    def _core_meta(self) -> dict[str, str]:
        core_name = self._rels("").get("core-properties", "docProps/core.xml")
        try:
            core = self._xml(core_name)
        except etree.XMLSyntaxError:
            return {}
        if core is None:
            return {}
        title = core.find(f"{{{DC}}}title")
        text = clean_text(title.text or "") if title is not None else ""
        return {"标题": text} if text else {}

    # --- body ---------------------------------------------------------------------------------

    def _walk(self, container: etree._Element, blocks: list[Block]) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                blocks.extend(self._paragraph_blocks(child))
            elif tag == TBL:
                table = self._table(child)
                if table.rows:
                    blocks.append(table)
            elif tag == SDT:
                content = child.find(SDTCONTENT)
                if content is not None:
                    self._walk(content, blocks)
            elif tag in (_w("customXml"), SDTCONTENT):
                self._walk(child, blocks)
            elif tag == ALT:
                branch = child.find(CHOICE)
                if branch is None:
                    branch = child.find(FALLBACK)
                if branch is not None:
                    self._walk(branch, blocks)
            elif tag == ALT_CHUNK:
                blocks.extend(self._alt_chunk(child))

    def _alt_chunk(self, element: etree._Element) -> list[Block]:
        """Content that an office system embedded whole (HTML, MHT, a .docx) via w:altChunk."""
        target = self.targets.get(element.get(f"{{{R_NS}}}id", ""))
        if not target or target not in self.names:
            return []
        data = self.zip.read(target)
        head = data[:2048].lstrip().lower()
        try:
            if data.startswith(b"PK"):
                return read_docx(data).blocks
            if head.startswith((b"<", b"mime-version", b"\xef\xbb\xbf<")) or b"text/html" in head:
                from importers.readers.html import read_html

                return read_html(data).blocks
        except NoticeImportError:
            pass  # an empty or unreadable chunk leaves the rest of the document readable
        return []

    def _paragraph_props(self, p: etree._Element) -> tuple[str, bool]:
        ppr = p.find(PPR)
        style_id = None
        num_id: str | None = None
        ilvl: int | None = None
        outline: int | None = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style_id = ps.get(VAL) if ps is not None else None
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                nid = num_pr.find(_w("numId"))
                lvl = num_pr.find(_w("ilvl"))
                num_id = nid.get(VAL) if nid is not None else None
                ilvl = _to_int(lvl.get(VAL)) if lvl is not None else None
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None:
                outline = _to_int(ol.get(VAL))
        style_id = style_id or self.styles.default_para
        heading = (outline is not None and 0 <= outline < 9) or self.styles.is_heading(style_id)
        if num_id is None:
            style_num, style_lvl = self.styles.numbering(style_id)
            if style_num is not None:
                num_id = style_num
                if ilvl is None:
                    ilvl = style_lvl
                if ilvl is None and style_id:
                    ilvl = self.numbering.level_for_style(style_num, style_id)
        label = ""
        if num_id is not None and num_id != "0":
            label = self.numbering.next_label(num_id, ilvl or 0)
        return label, heading

    def _paragraph_blocks(self, p: etree._Element) -> list[Paragraph]:
        label, heading = self._paragraph_props(p)
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._runs(p, parts, boxes)
        lines = [clean_text(line) for line in "".join(parts).split("\n")]
        out: list[Paragraph] = []
        for box in boxes:
            sub: list[Block] = []
            self._walk(box, sub)
            out.extend(b for b in sub if isinstance(b, Paragraph))
        lines = [line for line in lines if line]
        if not lines:
            if label:
                out.append(Paragraph(text="", numbering=label, heading=heading))
            return out
        out.append(Paragraph(text=lines[0], numbering=label, heading=heading))
        out.extend(Paragraph(text=line, heading=heading) for line in lines[1:])
        return out

    def _runs(self, el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in el:
            tag = child.tag
            if tag == R:
                self._run(child, parts, boxes)
            elif tag in _CONTAINERS:
                self._runs(child, parts, boxes)
            elif tag == ALT:
                branch = child.find(CHOICE)
                if branch is None:
                    branch = child.find(FALLBACK)
                if branch is not None:
                    self._runs(branch, parts, boxes)

    def _run(self, run: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        rpr = run.find(RPR)
        if rpr is not None:
            vanish = rpr.find(_w("vanish"))
            if vanish is not None and vanish.get(VAL) not in ("0", "false", "off"):
                return
        for child in run:
            tag = child.tag
            if tag == T:
                if child.text:
                    parts.append(child.text)
            elif tag == _w("tab") or tag == _w("ptab"):
                parts.append(" ")
            elif tag == _w("br"):
                if child.get(_w("type")) not in ("page", "column"):
                    parts.append("\n")
            elif tag == _w("cr"):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag in (_w("drawing"), _w("pict"), _w("object"), ALT):
                # Text boxes: kept as paragraphs of their own, not spliced into this one.
                branch = child
                if tag == ALT:
                    branch = child.find(CHOICE)
                    if branch is None:
                        branch = child.find(FALLBACK)
                if branch is None:
                    continue
                for box in branch.iter(_TEXTBOX):
                    outer = next(box.iterancestors(_TEXTBOX), None)
                    if outer is None:
                        boxes.append(box)

    def _cell_text(self, tc: etree._Element) -> str:
        blocks: list[Block] = []
        self._walk(tc, blocks)
        lines: list[str] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                text = (block.numbering + block.text) if block.numbering else block.text
                if text:
                    lines.append(text)
            else:
                for row in block.rows:
                    joined = " ".join(c for c in row if c)
                    if joined:
                        lines.append(joined)
        return "\n".join(lines)

    def _table(self, tbl: etree._Element) -> Table:
        rows: list[list[str]] = []
        # column index → text of the vertical merge that covers it
        above: dict[int, str] = {}
        for tr in tbl.iter(TR):
            if tr.getparent() is not tbl and not _belongs_to(tr, tbl):
                continue
            row: list[str] = []
            col = 0
            typed = False
            trpr = tr.find(TRPR)
            before = after = 0
            if trpr is not None:
                gb = trpr.find(_w("gridBefore"))
                ga = trpr.find(_w("gridAfter"))
                before = _to_int(gb.get(VAL)) or 0 if gb is not None else 0
                after = _to_int(ga.get(VAL)) or 0 if ga is not None else 0
            before, after = min(before, 64), min(after, 64)
            row.extend([""] * before)
            col += before
            for tc in _cells(tr):
                tcpr = tc.find(TCPR)
                span = 1
                vmerge: str | None = None
                if tcpr is not None:
                    gs = tcpr.find(_w("gridSpan"))
                    if gs is not None:
                        span = max(1, min(_to_int(gs.get(VAL)) or 1, 64))
                    vm = tcpr.find(_w("vMerge"))
                    if vm is not None:
                        vmerge = vm.get(VAL) or "continue"
                    hm = tcpr.find(_w("hMerge"))
                    if hm is not None and (hm.get(VAL) or "continue") == "continue" and row:
                        # Legacy horizontal merge: this cell repeats the one on its left.
                        row.append(row[-1])
                        col += 1
                        continue
                if vmerge == "continue":
                    text = above.get(col, "")
                else:
                    text = self._cell_text(tc)
                    typed = typed or bool(text.strip())
                if col + span > MAX_COLUMNS:
                    raise table_too_large(col + span, len(rows) + 1)
                for i in range(span):
                    row.append(text)
                    above[col + i] = text
                col += span
            row.extend([""] * after)
            # A row holding nothing but the continuation of merges above adds nothing.
            if typed:
                rows.append(row)
        return Table(rows=pad_rows(rows))


def _belongs_to(tr: etree._Element, tbl: etree._Element) -> bool:
    # A row inside a content control (w:sdt) still belongs to this table, not a nested one.
    parent = tr.getparent()
    while parent is not None and parent is not tbl:
        if parent.tag == TBL:
            return False
        parent = parent.getparent()
    return parent is tbl


def _cells(tr: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in tr:
        if child.tag == TC:
            cells.append(child)
        elif child.tag in (SDT, _w("customXml")):
            content = child.find(SDTCONTENT) if child.tag == SDT else child
            if content is not None:
                cells.extend(c for c in content if c.tag == TC)
    return cells


def _has_text(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(c.strip() for row in block.rows for c in row)
