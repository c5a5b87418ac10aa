import pytest

from importers.document import Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.txt import decode_text, read_txt

NOTICE = (
    "关于做好2024年安全生产工作的通知\n\n一、压实责任\n（一）落实党政责任。每月召开一次会议。\n"
)


def _texts(doc):
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def test_utf8_with_bom_is_decoded_without_the_bom():
    doc = read_txt(b"\xef\xbb\xbf" + NOTICE.encode("utf-8"))
    assert _texts(doc)[0] == "关于做好2024年安全生产工作的通知"


def test_gbk_text_is_decoded_from_its_content():
    doc = read_txt(NOTICE.encode("gbk"))
    assert _texts(doc)[1] == "一、压实责任"
    assert doc.source_format == "txt"


def test_gb18030_only_characters_are_decoded():
    assert decode_text("𠀀安全".encode("gb18030")) == "𠀀安全"


def test_undecodable_bytes_raise_a_chinese_message():
    with pytest.raises(NoticeImportError) as info:
        read_txt("通知".encode() + b"\x80\xff\x80\xff")
    assert "编码" in info.value.message


def test_binary_file_is_refused():
    with pytest.raises(NoticeImportError):
        read_txt(b"PK\x03\x04\x00\x00binary")


def test_each_non_empty_line_becomes_a_paragraph():
    doc = read_txt("第一行\n\n第二行\r\n第三行".encode())
    assert _texts(doc) == ["第一行", "第二行", "第三行"]


def test_page_numbers_and_bookmarks_are_dropped():
    text = "[bookmark: _GoBack]标题\n- 16 -\n— 213 —\n第3页\n正文。- 17 -\n"
    assert _texts(read_txt(text.encode())) == ["标题", "正文。"]


def test_web_chrome_lines_are_dropped():
    text = (
        "中国政府网  |   山西省政府  |   长治市政府 今天是\n当前位置:首页 > 政务公开\n"
        "字体大小:【大】 【中】 【小】\n保存为word 打印 关闭\n打印本页\n正文。\n"
    )
    assert _texts(read_txt(text.encode())) == ["正文。"]


def test_web_page_metadata_lines_go_into_meta():
    text = "发文字号潞城政发〔2020〕1号 发文时间2020-02-18\n正文。\n"
    doc = read_txt(text.encode())
    assert doc.meta["发文字号"] == "潞城政发〔2020〕1号"
    assert doc.meta["发文时间"] == "2020-02-18"
    assert _texts(doc) == ["正文。"]


def _pasted_table(rows):
    # Word pastes a table as one tab-indented line per cell, rows separated by blank lines.
    return "".join("\n".join("\t" + c for c in row) + "\n\n" for row in rows)


def test_tab_indented_cells_become_a_table():
    text = " \t[bookmark: _GoBack]某县2023年重点任务分工\n\n" + _pasted_table(
        [["序号", "任务", "主要内容", "责任单位"], ["1", "提高站位", "认真贯彻。", "各乡镇"]]
    )
    doc = read_txt(text.encode())
    assert _texts(doc) == ["某县2023年重点任务分工"]
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.rows == [
        ["序号", "任务", "主要内容", "责任单位"],
        ["1", "提高站位", "认真贯彻。", "各乡镇"],
    ]


def test_row_split_by_a_page_number_is_joined_again():
    header = _pasted_table([["序号", "任务", "主要内容", "责任单位"]])
    text = header + "\t3- 16 -\n\n\t落实责任\n\t严格落实。\n\t县应急局\n"
    table = next(b for b in read_txt(text.encode()).blocks if isinstance(b, Table))
    assert table.rows[1] == ["3", "落实责任", "严格落实。", "县应急局"]


def test_unit_cell_after_a_blank_line_stays_in_its_row():
    header = _pasted_table([["序号", "任务", "主要内容", "责任单位"]])
    text = header + "\t5\n\t源头把关\n\t严格管控。\n\n\t县发改局\n"
    table = next(b for b in read_txt(text.encode()).blocks if isinstance(b, Table))
    assert table.rows[1] == ["5", "源头把关", "严格管控。", "县发改局"]


def test_space_before_tab_starts_a_row_with_an_empty_number():
    header = _pasted_table(
        [["序号", "任务", "主要内容", "责任单位"], ["28", "甲", "甲内容。", "县应急局"]]
    )
    text = header + " \t发挥专业优势\n\t充分发挥优势。\n\t县住建局\n"
    table = next(b for b in read_txt(text.encode()).blocks if isinstance(b, Table))
    assert table.rows[-1] == ["", "发挥专业优势", "充分发挥优势。", "县住建局"]


def test_rows_copied_from_a_spreadsheet_become_a_table():
    text = '序号\t任务\t主要内容\t责任单位\n1\t提高站位\t"认真贯彻。\n狠抓落实。"\t各乡镇\n\t\t加强检查。\t县应急局\n'
    table = next(b for b in read_txt(text.encode()).blocks if isinstance(b, Table))
    assert table.rows == [
        ["序号", "任务", "主要内容", "责任单位"],
        ["1", "提高站位", "认真贯彻。狠抓落实。", "各乡镇"],
        ["", "", "加强检查。", "县应急局"],
    ]


def test_first_line_indent_is_kept_for_the_builder():
    doc = read_txt("关于某事的通知\n\u3000\u3000第一段，\n接上文。\n".encode())
    assert _texts(doc) == ["关于某事的通知", "\u3000\u3000第一段，", "接上文。"]


def test_bare_page_numbers_are_dropped():
    assert _texts(read_txt("正文第一句，\n12\n3/5\n接着写完。\n".encode())) == [
        "正文第一句，",
        "接着写完。",
    ]


def test_width_counts_cjk_double_and_stops_past_a_limit():
    from importers.textutil import width

    assert width("安全 生产ab") == 10
    assert width("安" * 100) == 200
    assert 150 < width("安" * 100, 150) <= 152
