"""Word documents the office hands out: 督办单 (supervision notice) and 通报 (bulletin).

Pure functions: given plain data, they return the bytes of a .docx; no database, no request.
Layout after GB/T 9704-2012 (党政机关公文格式): A4, margins top 37 mm, bottom 35 mm, left
28 mm, right 26 mm; title 方正小标宋简体 二号 (22 pt), body 仿宋_GB2312 三号 (16 pt) on a fixed
28.9 pt line (22 lines of 28 characters), headings 黑体, first lines indented two characters,
page numbers “— 1 —” in 宋体 四号. East Asian font names are written to ``w:eastAsia`` so that
Word on the office's PC uses them (``font.name`` alone sets only the Latin fonts).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
KAITI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号: tables hold more than running text
TABLE_LINE = Pt(15)
LINE = Pt(28.9)  # 22 lines on the 225 mm type area
RED = RGBColor(0xE6, 0x00, 0x12)


def cn_date(day: dt.date | None) -> str:
    """2024年3月1日 (GB/T 9704-2012: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "未设定"


def doc_number(prefix: str, year: int, number: int) -> str:
    """发文字号: 交安办督〔2024〕3号 (六角括号, no leading zeros, no 第)."""
    return f"{prefix}〔{year}〕{number}号"


# ---- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    """One overdue assignment as the 督办单 lists it."""

    task: str
    measure: str
    due_date: dt.date | None
    days_overdue: int  # days past the due date; 0 when only a reporting period was missed
    missed_periods: Sequence[str] = ()  # labels of reporting periods with no report
    progress: str = ""  # the latest report, or empty when nothing was reported

    @property
    def overdue_text(self) -> str:
        parts = []
        if self.days_overdue > 0:
            parts.append(f"逾期{self.days_overdue}天")
        if self.missed_periods:
            shown = "、".join(self.missed_periods[:3])
            more = "等" if len(self.missed_periods) > 3 else ""
            parts.append(f"漏报{len(self.missed_periods)}期（{shown}{more}）")
        return "；".join(parts) or "逾期"


@dataclass(frozen=True)
class SupervisionData:
    number: str  # 交安办督〔2024〕3号
    office_name: str  # 交城县安全生产委员会办公室
    unit_name: str
    items: Sequence[OverdueItem]
    reply_by: dt.date
    issued_on: dt.date
    notice_titles: Sequence[str] = ()  # the notices the items come from
    contact: str = ""  # 联系人及电话, optional


@dataclass(frozen=True)
class UnitFigures:
    """One unit's line in a 通报."""

    rank: int
    name: str
    assigned: int
    completed: int
    on_time: int
    overdue: int
    completion_rate: float | None
    on_time_rate: float | None


@dataclass(frozen=True)
class BulletinData:
    office_name: str
    jurisdiction_name: str
    period_label: str  # 2024年3月 / 2024年第一季度
    as_of: dt.date  # 截至
    issued_on: dt.date
    rows: Sequence[UnitFigures]
    overdue_units: Sequence[tuple[str, int]] = field(default_factory=list)  # (name, count)

    @property
    def totals(self) -> dict[str, int]:
        return {
            k: sum(getattr(r, k) for r in self.rows)
            for k in ("assigned", "completed", "on_time", "overdue")
        }


# ---- low-level layout helpers ------------------------------------------------------------------


def set_run_font(run, name: str, size: Pt | None = None, *, bold: bool = False, color=None):
    """Latin and East Asian font names, so that Word picks ``name`` for Chinese text too."""
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)
    rfonts.set(qn("w:ascii"), name)
    rfonts.set(qn("w:hAnsi"), name)
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _style_fonts(style, name: str, size: Pt) -> None:
    style.font.name = name
    style.font.size = size
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _new_document():
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    normal = doc.styles["Normal"]
    _style_fonts(normal, BODY_FONT, BODY_SIZE)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    _page_number_footer(section)
    return doc


def _field(paragraph, instruction: str, font: str, size: Pt) -> None:
    """A Word field (PAGE …) as begin / instruction / separate / result / end runs."""

    def char(kind: str):
        run = set_run_font(paragraph.add_run(), font, size)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._element.append(el)

    char("begin")
    run = set_run_font(paragraph.add_run(), font, size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._element.append(instr)
    char("separate")
    set_run_font(paragraph.add_run("1"), font, size)
    char("end")


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(p.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
    _field(p, "PAGE", PAGE_NUMBER_FONT, Pt(14))
    set_run_font(p.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))


def _paragraph(
    doc,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    bold: bool = False,
    color=None,
    line: Pt | None = None,
):
    p = doc.add_paragraph()
    p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)
    if line is not None:
        p.paragraph_format.line_spacing = line
    if text:
        set_run_font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _title(doc, text: str, *, color=None, size: Pt = TITLE_SIZE):
    p = _paragraph(
        doc,
        text,
        font=TITLE_FONT,
        size=size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        color=color,
        line=Pt(max(size.pt * 1.5, LINE.pt)),
    )
    return p


def _heading(doc, text: str):
    """一级标题: 黑体 三号, indented like body text."""
    return _paragraph(doc, text, font=HEADING_FONT)


def _red_rule(paragraph) -> None:
    """The red line under the 版头 (发文机关标志 and 发文字号)."""
    ppr = paragraph._element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "6"),
        ("w:color", "E60012"),
    ):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _signature(doc, office_name: str, day: dt.date) -> None:
    """发文机关署名 and 成文日期, right-aligned, two characters from the right margin, kept on
    the page of the last paragraph of text (never alone on a page)."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    for _ in range(2):
        _paragraph(doc, indent=False).paragraph_format.keep_with_next = True
    for text in (office_name, cn_date(day)):
        p = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
        p.paragraph_format.keep_with_next = text == office_name


def _cell(cell, text: str, *, font: str = BODY_FONT, bold: bool = False, center: bool = False):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = TABLE_LINE
    set_run_font(p.add_run(text), font, TABLE_SIZE, bold=bold)


def _table(doc, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm, centered=()):
    """A bordered table with a 黑体 header row repeated on each page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        _cell(cell, text, font=HEADING_FONT, center=True)
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell(cell, text, center=i in centered)
    # Fixed layout with the widths on the grid and on every cell: Word reads the cells,
    # LibreOffice and WPS the grid.
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set_core(doc, title: str, author: str) -> None:
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "zh-CN"


# ---- 督办单 -------------------------------------------------------------------------------------


def supervision_docx(data: SupervisionData) -> bytes:
    """The 督办单 of one unit: 版头, number, addressee, the request, the table of overdue items,
    the reply date, the office and the date."""
    doc = _new_document()
    _set_core(doc, f"督办单 {data.number}", data.office_name)
    _title(doc, data.office_name, color=RED)
    _title(doc, "督　办　单", color=RED)
    number = _paragraph(doc, data.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    number.paragraph_format.space_before = Pt(12)
    _red_rule(number)
    _paragraph(doc, indent=False)
    _paragraph(doc, f"{data.unit_name}：", indent=False)
    source = "、".join(f"《{t}》" for t in data.notice_titles) or "年度安全生产工作通知"
    _paragraph(
        doc,
        f"经梳理，截至{cn_date(data.issued_on)}，你单位承担的{source}中，"
        f"有以下{len(data.items)}项工作任务已超过完成时限（或未按期报送进展）仍未办结，"
        "现予督办。",
    )
    _table(
        doc,
        ["序号", "工作任务", "具体措施", "完成时限", "逾期情况", "最新进展"],
        [
            [
                str(i),
                item.task,
                item.measure,
                cn_date(item.due_date) if item.due_date else "—",
                item.overdue_text,
                item.progress or "尚未报送进展",
            ]
            for i, item in enumerate(data.items, start=1)
        ],
        widths_mm=[12, 22, 55, 22, 19, 26],
        centered=(0, 3, 4),
    )
    _paragraph(doc, indent=False)
    _paragraph(
        doc,
        "请你单位高度重视，对照上述事项逐项分析未按期完成的原因，明确责任人和整改时限，"
        "加快推进落实，并于"
        f"{cn_date(data.reply_by)}前将办理情况书面报送{data.office_name}，"
        "同时在系统中报送进展；已完成的，请一并上传佐证材料、申请办结。",
    )
    _paragraph(doc, "逾期未报或整改不力的，将视情予以通报、约谈。")
    if data.contact:
        _paragraph(doc, f"（联系人：{data.contact}）")
    _signature(doc, data.office_name, data.issued_on)
    return _to_bytes(doc)


# ---- 通报 ---------------------------------------------------------------------------------------


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def bulletin_docx(data: BulletinData) -> bytes:
    """The 通报 of a month or a quarter: opening, totals, ranking table, the units with overdue
    items, and the requirements; a draft the office edits and circulates."""
    doc = _new_document()
    title = f"关于{data.period_label}安全生产重点工作落实情况的通报"
    _set_core(doc, title, data.office_name)
    _title(doc, title)
    _paragraph(doc, indent=False)
    _paragraph(doc, f"{data.jurisdiction_name}安委会各成员单位：", indent=False)
    _paragraph(
        doc,
        f"为推动年度安全生产各项工作任务落到实处，{data.office_name}对截至"
        f"{cn_date(data.as_of)}各单位承担的重点工作任务落实情况进行了梳理，"
        "现将有关情况通报如下：",
    )
    t = data.totals
    rate = _rate(100.0 * t["completed"] / t["assigned"] if t["assigned"] else None)
    _heading(doc, "一、总体情况")
    _paragraph(
        doc,
        f"截至{cn_date(data.as_of)}，{len(data.rows)}个单位共承担工作任务{t['assigned']}项，"
        f"已办结{t['completed']}项，其中按时办结{t['on_time']}项，完成率{rate}；"
        f"逾期未办结{t['overdue']}项。",
    )
    _heading(doc, "二、各单位完成情况")
    _paragraph(doc, "按完成率、按时办结率从高到低排列：")
    _table(
        doc,
        ["排名", "单位", "分配", "已办结", "按时办结", "逾期", "完成率", "按时办结率"],
        [
            [
                str(r.rank),
                r.name,
                str(r.assigned),
                str(r.completed),
                str(r.on_time),
                str(r.overdue),
                _rate(r.completion_rate),
                _rate(r.on_time_rate),
            ]
            for r in data.rows
        ],
        widths_mm=[12, 38, 13, 16, 19, 13, 21, 24],
        centered=(0, 2, 3, 4, 5, 6, 7),
    )
    _paragraph(
        doc,
        "注：完成率＝已办结÷分配；按时办结率＝按原定时限办结÷应办结（已办结或原定时限已过）。",
        size=TABLE_SIZE,
        indent=False,
        line=Pt(20),
    )
    _heading(doc, "三、存在逾期任务的单位")
    if data.overdue_units:
        names = "、".join(f"{name}（{n}项）" for name, n in data.overdue_units)
        _paragraph(
            doc,
            f"截至{cn_date(data.as_of)}，以下{len(data.overdue_units)}个单位存在逾期"
            f"未办结任务：{names}。",
        )
    else:
        _paragraph(doc, f"截至{cn_date(data.as_of)}，各单位均无逾期未办结任务。")
    _heading(doc, "四、下一步工作要求")
    _paragraph(
        doc,
        "各单位要进一步提高思想认识，对照年度工作任务逐项梳理，倒排工期、挂图作战。"
        "存在逾期任务的单位要认真分析原因，制定整改措施，限期完成，并按要求及时报送进展、"
        "上传佐证材料。我办将继续对重点工作落实情况进行跟踪督办，"
        "对工作推进不力的单位予以通报、约谈，并将落实情况纳入年度安全生产考核。",
    )
    _signature(doc, data.office_name, data.issued_on)
    return _to_bytes(doc)
