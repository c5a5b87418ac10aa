import pytest

from importers.document import Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.xls import read_xls
from importers.sniff import sniff_format
from tests.importers.office_inputs import FIXTURES, SPREADSHEET_ML

LEDGER = FIXTURES / "ledger.xls"


def test_xls_fixture_is_sniffed_as_xls_whatever_its_name():
    assert sniff_format(LEDGER.read_bytes(), "台账.docx") == "xls"


def test_xls_title_row_is_a_paragraph_and_the_rest_a_full_width_table():
    blocks = read_xls(LEDGER.read_bytes()).blocks
    assert isinstance(blocks[0], Paragraph)
    assert blocks[0].text == "某县2024年安全生产重点任务台账"
    assert isinstance(blocks[1], Table)
    assert blocks[1].rows[0] == ["序号", "任务", "主要内容", "责任单位", "完成时限"]


def test_xls_merged_cells_repeat_and_values_read_as_text():
    table = read_xls(LEDGER.read_bytes()).blocks[1]
    assert table.rows[1] == [
        "1",
        "压实领导责任",
        "每季度召开一次安委会全体会议。",
        "县安委办",
        "2024-12-31",
    ]
    assert table.rows[2][:2] == ["1", "压实领导责任"]
    assert table.rows[2][4] == "2024-06-30"
    assert table.rows[3][4] == "35"
    assert table.rows[4][0] == "3.5"


def test_xls_hidden_sheet_is_not_read():
    texts = [
        c
        for b in read_xls(LEDGER.read_bytes()).blocks
        if isinstance(b, Table)
        for r in b.rows
        for c in r
    ]
    assert "不应读取" not in texts


def test_truncated_xls_raises_a_notice_import_error():
    data = LEDGER.read_bytes()
    with pytest.raises(NoticeImportError, match="损坏"):
        read_xls(data[: len(data) // 2])


def test_xls_of_junk_after_an_ole_header_raises_a_notice_import_error():
    with pytest.raises(NoticeImportError):
        read_xls(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_xml_spreadsheet_2003_saved_as_xls_is_sniffed_and_read():
    data = SPREADSHEET_ML.encode()
    assert sniff_format(data, "分工表.xls") == "xls"
    blocks = read_xls(data).blocks
    assert [type(b) for b in blocks] == [Paragraph, Table]
    assert blocks[0].text == "某县2024年重点任务分工"
    assert blocks[1].rows == [
        ["序号", "任务", "主要内容", "完成时限"],
        ["1", "压实责任", "每月开会。", "2024-12-31"],
        ["1", "压实责任", "每季度检查。", "2024-06-30"],
    ]
