import copy
import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from importers.document import Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.docx import read_docx
from importers.readers.numbering import chinese_number, format_number
from tests.importers.office_inputs import docx_bytes, replace_zip_member

W_NS = nsdecls("w")


def _vmerge(cell, value: str | None) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    element = parse_xml(f"<w:vMerge {W_NS}/>")
    if value:
        element.set(qn("w:val"), value)
    tc_pr.append(element)


def _division_table(document, rows: list[tuple[str, str, str, str]]):  # type: ignore[no-untyped-def]
    table = document.add_table(rows=0, cols=4)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def _blocks(document) -> list:  # type: ignore[no-untyped-def]
    return read_docx(docx_bytes(document)).blocks


def test_paragraphs_and_tables_come_in_body_order():
    document = docx.Document()
    document.add_paragraph("关于做好2024年安全生产工作的通知")
    _division_table(document, [("序号", "任务", "主要内容", "责任单位"), ("1", "a", "b", "c")])
    document.add_paragraph("附件说明")
    blocks = _blocks(document)
    assert [type(b) for b in blocks] == [Paragraph, Table, Paragraph]
    assert blocks[0].text == "关于做好2024年安全生产工作的通知"
    assert blocks[2].text == "附件说明"


def test_vertically_merged_cells_repeat_the_first_cells_text():
    document = docx.Document()
    table = _division_table(
        document,
        [
            ("序号", "任务", "主要内容", "责任单位"),
            ("2", "落实党政领导责任", "认真落实职责清单。", "县安委办"),
            ("", "", "每月至少召开一次会议。", "县安委会"),
        ],
    )
    for col in (0, 1):
        _vmerge(table.rows[1].cells[col], "restart")
        _vmerge(table.rows[2].cells[col], None)
    [block] = _blocks(document)
    assert block.rows[2] == ["2", "落实党政领导责任", "每月至少召开一次会议。", "县安委会"]


def test_cells_merged_with_python_docx_merge_are_full_width():
    document = docx.Document()
    table = _division_table(
        document,
        [
            ("序号", "任务", "主要内容", "责任单位"),
            ("3", "落实部门监管责任", "清单。", "各乡镇"),
            ("", "", "专员制度。", "县应急局"),
        ],
    )
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(1, 0).merge(table.cell(2, 0))
    [block] = _blocks(document)
    assert [row[:2] for row in block.rows[1:]] == [["3", "落实部门监管责任"]] * 2
    assert all(len(row) == 4 for row in block.rows)


def test_grid_span_repeats_the_cell_across_the_columns_it_spans():
    document = docx.Document()
    table = _division_table(
        document,
        [
            ("序号", "任务", "主要内容", "责任单位"),
            ("一、压实责任", "", "", ""),
            ("1", "提高站位", "认真学习。", "各乡镇"),
        ],
    )
    table.cell(1, 0).merge(table.cell(1, 3))
    [block] = _blocks(document)
    assert block.rows[1] == ["一、压实责任"] * 4


def test_title_row_merged_across_the_table_becomes_a_paragraph_before_it():
    document = docx.Document()
    table = _division_table(
        document,
        [
            ("某县2024年安全生产重点任务分工", "", "", ""),
            ("序号", "任务", "主要内容", "责任单位"),
            ("1", "提高站位", "认真学习。", "各乡镇"),
            ("注：每月25日前报送。", "", "", ""),
        ],
    )
    table.cell(0, 0).merge(table.cell(0, 3))
    table.cell(3, 0).merge(table.cell(3, 3))
    blocks = _blocks(document)
    assert [type(b) for b in blocks] == [Paragraph, Table, Paragraph]
    assert blocks[0].text == "某县2024年安全生产重点任务分工"
    assert blocks[1].rows[0] == ["序号", "任务", "主要内容", "责任单位"]
    assert blocks[2].text == "注：每月25日前报送。"


def test_one_column_table_is_a_framed_block_of_paragraphs():
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "第一行。"
    table.cell(0, 0).add_paragraph("第二行。")
    assert [(type(b), b.text) for b in _blocks(document)] == [
        (Paragraph, "第一行。"),
        (Paragraph, "第二行。"),
    ]


def test_table_split_in_two_with_repeated_header_is_one_table():
    document = docx.Document()
    header = ("序号", "任务", "主要内容", "责任单位")
    _division_table(document, [header, ("1", "提高政治站位", "认真贯彻。", "各乡镇")])
    document.add_paragraph("")
    _division_table(document, [header, ("2", "落实领导责任", "认真落实。", "县安委办")])
    blocks = _blocks(document)
    assert len(blocks) == 1
    assert [row[0] for row in blocks[0].rows] == ["序号", "1", "2"]


def test_two_tables_with_text_between_stay_apart():
    document = docx.Document()
    header = ("序号", "任务", "主要内容", "责任单位")
    _division_table(document, [header, ("1", "a", "b", "c")])
    document.add_paragraph("附件2")
    _division_table(document, [header, ("1", "d", "e", "f")])
    assert [type(b) for b in _blocks(document)] == [Table, Paragraph, Table]


def test_footer_page_numbers_are_never_read():
    document = docx.Document()
    document.sections[0].footer.paragraphs[0].text = "- 16 -"
    document.sections[0].header.paragraphs[0].text = "某县人民政府文件"
    document.add_paragraph("正文第一段。")
    blocks = _blocks(document)
    assert [b.text for b in blocks] == ["正文第一段。"]


def test_heading_style_marks_the_paragraph_as_heading():
    document = docx.Document()
    document.add_heading("一、压实安全生产责任", level=1)
    document.add_paragraph("（一）压实党政领导责任。")
    blocks = _blocks(document)
    assert [b.heading for b in blocks] == [True, False]


def test_core_title_goes_into_meta():
    document = docx.Document()
    document.core_properties.title = "关于做好2024年安全生产工作的通知"
    document.add_paragraph("正文")
    assert read_docx(docx_bytes(document)).meta["标题"] == "关于做好2024年安全生产工作的通知"


def test_soft_line_break_splits_the_paragraph_into_lines():
    document = docx.Document()
    paragraph = document.add_paragraph("关于做好2024年")
    run = paragraph.add_run()
    run.add_break()
    paragraph.add_run("安全生产工作的通知")
    assert [b.text for b in _blocks(document)] == ["关于做好2024年", "安全生产工作的通知"]


def test_tracked_deletions_are_left_out_and_insertions_kept():
    document = docx.Document()
    paragraph = document.add_paragraph("每月")
    paragraph._p.append(
        parse_xml(
            f'<w:del {W_NS} w:id="1" w:author="a"><w:r><w:delText>删掉的</w:delText></w:r></w:del>'
        )
    )
    paragraph._p.append(
        parse_xml(f'<w:ins {W_NS} w:id="2" w:author="a"><w:r><w:t>召开会议。</w:t></w:r></w:ins>')
    )
    assert [b.text for b in _blocks(document)] == ["每月召开会议。"]


def test_indentation_spaces_are_stripped():
    document = docx.Document()
    document.add_paragraph("\u3000\u3000各乡镇人民政府：  ")
    assert [b.text for b in _blocks(document)] == ["各乡镇人民政府："]


# --- automatic numbering -----------------------------------------------------------------------


def _add_numbering(document, abstract_xml: str, num_xml: str) -> None:  # type: ignore[no-untyped-def]
    numbering = document.part.numbering_part.element
    abstract = parse_xml(abstract_xml)
    # abstractNum elements must precede num elements.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(num_xml))


def _numbered(document, text: str, num_id: int, ilvl: int) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


NOTICE_LIST = f"""
<w:abstractNum {W_NS} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="（%4）"/><w:lvlRestart w:val="0"/></w:lvl>
</w:abstractNum>
"""


def test_automatic_numbering_is_computed_per_level_with_restarts():
    document = docx.Document()
    _add_numbering(
        document, NOTICE_LIST, f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
    )
    _numbered(document, "压实安全生产责任", 90, 0)
    _numbered(document, "压实党政领导责任。", 90, 1)
    _numbered(document, "完善领导责任体系。", 90, 2)
    _numbered(document, "完善部门监管责任体系。", 90, 2)
    _numbered(document, "压实部门监管责任。", 90, 1)
    _numbered(document, "完善企业主体责任体系。", 90, 2)
    _numbered(document, "强化安全监管执法", 90, 0)
    _numbered(document, "严格执法。", 90, 1)
    labels = [(b.numbering, b.text) for b in _blocks(document)]
    assert labels == [
        ("一、", "压实安全生产责任"),
        ("（一）", "压实党政领导责任。"),
        ("1.", "完善领导责任体系。"),
        ("2.", "完善部门监管责任体系。"),
        ("（二）", "压实部门监管责任。"),
        ("1.", "完善企业主体责任体系。"),
        ("二、", "强化安全监管执法"),
        ("（一）", "严格执法。"),
    ]


def test_level_with_lvl_restart_zero_keeps_counting_across_higher_levels():
    document = docx.Document()
    _add_numbering(
        document, NOTICE_LIST, f'<w:num {W_NS} w:numId="91"><w:abstractNumId w:val="90"/></w:num>'
    )
    _numbered(document, "甲", 91, 3)
    _numbered(document, "章", 91, 0)
    _numbered(document, "乙", 91, 3)
    assert [b.numbering for b in _blocks(document)] == ["（1）", "一、", "（2）"]


def test_start_override_restarts_a_list_at_its_value():
    document = docx.Document()
    _add_numbering(
        document,
        NOTICE_LIST,
        f'<w:num {W_NS} w:numId="92"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="11"/></w:lvlOverride></w:num>',
    )
    _numbered(document, "第十一项。", 92, 1)
    _numbered(document, "第十二项。", 92, 1)
    assert [b.numbering for b in _blocks(document)] == ["（十一）", "（十二）"]


def test_multi_level_text_shows_every_referenced_level():
    abstract = f"""
    <w:abstractNum {W_NS} w:abstractNumId="93">
      <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    </w:abstractNum>"""
    document = docx.Document()
    _add_numbering(
        document, abstract, f'<w:num {W_NS} w:numId="93"><w:abstractNumId w:val="93"/></w:num>'
    )
    _numbered(document, "a", 93, 0)
    _numbered(document, "b", 93, 1)
    _numbered(document, "c", 93, 1)
    assert [b.numbering for b in _blocks(document)] == ["3.", "3.1", "3.2"]


def test_numbering_from_a_paragraph_style_is_shown():
    document = docx.Document()
    _add_numbering(
        document, NOTICE_LIST, f'<w:num {W_NS} w:numId="94"><w:abstractNumId w:val="90"/></w:num>'
    )
    style = document.styles["Heading 1"]
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="94"/></w:numPr>')
    )
    document.add_heading("压实安全生产责任", level=1)
    document.add_heading("强化安全监管执法", level=1)
    blocks = _blocks(document)
    assert [(b.numbering, b.heading) for b in blocks] == [("一、", True), ("二、", True)]


def test_bullets_are_not_numbers():
    abstract = f"""
    <w:abstractNum {W_NS} w:abstractNumId="95">
      <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
    </w:abstractNum>"""
    document = docx.Document()
    _add_numbering(
        document, abstract, f'<w:num {W_NS} w:numId="95"><w:abstractNumId w:val="95"/></w:num>'
    )
    _numbered(document, "要点", 95, 0)
    assert _blocks(document)[0].numbering == ""


def test_numbered_paragraph_inside_a_table_cell_shows_its_number_in_the_cell():
    document = docx.Document()
    _add_numbering(
        document, NOTICE_LIST, f'<w:num {W_NS} w:numId="96"><w:abstractNumId w:val="90"/></w:num>'
    )
    table = _division_table(document, [("序号", "主要内容", "", ""), ("1", "", "", "")])
    cell = table.rows[1].cells[1]
    p_pr = cell.paragraphs[0]._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="2"/><w:numId w:val="96"/></w:numPr>'))
    cell.paragraphs[0].add_run("建立台账。")
    [block] = _blocks(document)
    assert block.rows[1][1] == "1.建立台账。"


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"),
        (35, "chineseCountingThousand", "三十五"),
        (101, "chineseCounting", "一百零一"),
        (3, "ideographTraditional", "丙"),
        (2, "decimalEnclosedCircle", "②"),
        (4, "upperLetter", "D"),
        (28, "lowerLetter", "bb"),
        (9, "upperRoman", "IX"),
        (5, "decimalZero", "05"),
        (12, "chineseLegalSimplified", "壹拾贰"),
    ],
)
def test_number_formats_match_what_word_displays(n, fmt, shown):
    assert format_number(n, fmt) == shown


def test_chinese_number_handles_inner_zeros():
    assert chinese_number(1005) == "一千零五"


def test_truncated_docx_raises_a_notice_import_error():
    document = docx.Document()
    document.add_paragraph("正文")
    data = docx_bytes(document)
    with pytest.raises(NoticeImportError, match="损坏"):
        read_docx(data[:-200])


def test_docx_with_broken_document_xml_raises_a_notice_import_error():
    document = docx.Document()
    document.add_paragraph("正文")
    data = replace_zip_member(docx_bytes(document), "word/document.xml", b"<w:document><w:body>")
    with pytest.raises(NoticeImportError, match="损坏"):
        read_docx(data)


def test_text_box_text_is_kept_apart_from_the_paragraph():
    document = docx.Document()
    paragraph = document.add_paragraph("正文。")
    box = parse_xml(
        f'<w:r {W_NS}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>某县人民政府文件</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )
    paragraph._p.append(copy.deepcopy(box))
    texts = [b.text for b in _blocks(document)]
    assert texts == ["某县人民政府文件", "正文。"]


def test_row_holding_only_merge_continuations_is_dropped():
    document = docx.Document()
    table = _division_table(
        document,
        [
            ("序号", "任务", "主要内容", "责任单位"),
            ("1", "任务甲", "内容。", "县应急局"),
            ("", "", "", ""),
        ],
    )
    _vmerge(table.rows[1].cells[0], "restart")
    _vmerge(table.rows[2].cells[0], None)
    [block] = _blocks(document)
    assert len(block.rows) == 2


def test_table_wider_than_any_notice_is_refused_before_padding_it():
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    for cell in table.rows[0].cells:
        span = parse_xml(f'<w:gridSpan {W_NS} w:val="64"/>')
        cell._tc.get_or_add_tcPr().append(span)
        cell.text = "x"
    table.add_row()
    for _ in range(3):
        table.rows[0]._tr.append(copy.deepcopy(table.rows[0].cells[0]._tc))
    with pytest.raises(NoticeImportError, match="表格过大"):
        _blocks(document)


def test_word_file_holding_only_a_picture_says_it_is_a_scan():
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(image, format="PNG")
    document = docx.Document()
    document.add_picture(io.BytesIO(image.getvalue()))
    with pytest.raises(NoticeImportError, match="只有图片"):
        read_docx(docx_bytes(document))


def test_word_file_without_any_text_is_refused():
    with pytest.raises(NoticeImportError, match="没有任何文字"):
        read_docx(docx_bytes(docx.Document()))


def test_strict_open_xml_document_is_read_like_an_ordinary_one():
    document = docx.Document()
    document.add_paragraph("（一）压实党政领导责任。")
    data = docx_bytes(document)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    strict = xml.replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
    )
    blocks = read_docx(replace_zip_member(data, "word/document.xml", strict)).blocks
    assert [b.text for b in blocks] == ["（一）压实党政领导责任。"]


def test_one_row_table_laying_out_a_signature_reads_as_paragraphs():
    document = docx.Document()
    document.add_paragraph("正文。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "某县人民政府"
    table.cell(0, 1).text = "2024年2月18日"
    blocks = _blocks(document)
    assert [(type(b), b.text) for b in blocks] == [
        (Paragraph, "正文。"),
        (Paragraph, "某县人民政府"),
        (Paragraph, "2024年2月18日"),
    ]


def test_html_embedded_whole_with_alt_chunk_is_read_in_place():
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    document.add_paragraph("某县人民政府文件")
    html = "<html><body><div><p>一、压实安全生产责任</p><p>（一）每月召开一次会议。</p></div></body></html>"
    part = Part(PackURI("/word/afchunk.htm"), "text/html", html.encode(), document.part.package)
    rel_id = document.part.relate_to(part, RT.A_F_CHUNK)
    chunk = parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rel_id}"/>')
    document.element.body.insert(1, chunk)
    document.add_paragraph("某县人民政府")
    texts = [b.text for b in _blocks(document)]
    assert texts == [
        "某县人民政府文件",
        "一、压实安全生产责任",
        "（一）每月召开一次会议。",
        "某县人民政府",
    ]
