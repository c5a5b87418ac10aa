import datetime as dt
import io

import openpyxl
import pytest

from importers.document import Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.sheets import cell_text
from importers.readers.xlsx import read_xlsx


def _xlsx(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _division_book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "某县2024年安全生产工作重点任务分工"
    sheet.merge_cells("A1:D1")
    sheet.append(["序号", "任务", "主要内容", "责任单位"])
    sheet.append([1, "提高政治站位", "认真学习贯彻。", "各乡镇，县直各部门"])
    sheet.append([2, "落实领导责任", "落实职责清单。", "县安委办"])
    sheet.append([None, None, "每月至少召开一次会议。", "县安委会"])
    sheet.append([])
    sheet.append([None, None, "定期上报履职情况。", "县安委办，县委编办"])
    sheet.merge_cells("A4:A7")
    sheet.merge_cells("B4:B7")
    return book


def test_title_row_merged_across_becomes_a_paragraph_before_the_table():
    blocks = read_xlsx(_xlsx(_division_book())).blocks
    assert isinstance(blocks[0], Paragraph)
    assert blocks[0].text == "某县2024年安全生产工作重点任务分工"
    assert isinstance(blocks[1], Table)
    assert blocks[1].rows[0] == ["序号", "任务", "主要内容", "责任单位"]


def test_merged_cells_repeat_the_top_left_value_and_empty_rows_are_dropped():
    table = read_xlsx(_xlsx(_division_book())).blocks[1]
    assert table.rows[2:] == [
        ["2", "落实领导责任", "落实职责清单。", "县安委办"],
        ["2", "落实领导责任", "每月至少召开一次会议。", "县安委会"],
        ["2", "落实领导责任", "定期上报履职情况。", "县安委办，县委编办"],
    ]


def test_whole_numbers_read_without_decimal_point_and_dates_in_iso():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "完成时限", "数量"])
    sheet.append([3.0, dt.datetime(2024, 12, 31), 2.5])
    sheet.append([4, dt.date(2024, 6, 30), 1e-3])
    table = read_xlsx(_xlsx(book)).blocks[0]
    assert table.rows[1:] == [["3", "2024-12-31", "2.5"], ["4", "2024-06-30", "0.001"]]


def test_every_visible_sheet_is_read_and_hidden_ones_are_not():
    book = _division_book()
    second = book.create_sheet("附表")
    second.append(["单位", "联络员"])
    second.append(["县应急局", "张三"])
    hidden = book.create_sheet("下拉选项")
    hidden.append(["选项一", "选项二"])
    hidden.sheet_state = "hidden"
    blocks = read_xlsx(_xlsx(book)).blocks
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 2
    assert tables[1].rows == [["单位", "联络员"], ["县应急局", "张三"]]


def test_note_row_merged_under_the_table_becomes_a_paragraph_after_it():
    book = _division_book()
    sheet = book.active
    sheet.append(["注：各单位每月25日前报送进展。"])
    row = sheet.max_row
    sheet.merge_cells(f"A{row}:D{row}")
    blocks = read_xlsx(_xlsx(book)).blocks
    assert isinstance(blocks[-1], Paragraph)
    assert blocks[-1].text == "注：各单位每月25日前报送进展。"


def test_repeated_header_row_inside_the_sheet_is_dropped():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["序号", "任务"], ["1", "甲"], ["序号", "任务"], ["2", "乙"]):
        sheet.append(row)
    table = read_xlsx(_xlsx(book)).blocks[0]
    assert table.rows == [["序号", "任务"], ["1", "甲"], ["2", "乙"]]


def test_formula_cells_read_their_cached_values_not_the_formula():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "合计"])
    sheet.append([1, "=1+1"])
    blocks = read_xlsx(_xlsx(book)).blocks
    # openpyxl writes no cached value, so the cell is empty rather than "=1+1".
    assert "=1+1" not in [c for row in blocks[0].rows for c in row]


def test_cell_text_formats_values_as_the_office_reads_them():
    assert cell_text(12.0) == "12"
    assert cell_text(dt.datetime(2024, 3, 1, 9, 30)) == "2024-03-01 09:30"
    assert cell_text(True) == "是"
    assert cell_text("  \u3000县应急局 ") == "县应急局"


def test_damaged_xlsx_raises_a_notice_import_error():
    data = _xlsx(_division_book())
    with pytest.raises(NoticeImportError, match="损坏"):
        read_xlsx(data[: len(data) // 3])


def test_formatted_but_empty_rows_far_below_the_data_are_ignored():
    book = _division_book()
    sheet = book.active
    # Styling a far-away cell stretches the declared used range without adding data.
    sheet.cell(row=900_000, column=40).number_format = "0.00"
    blocks = read_xlsx(_xlsx(book)).blocks
    assert blocks[1].rows[0] == ["序号", "任务", "主要内容", "责任单位"]
    assert len(blocks[1].rows) == 5


def test_sheet_with_too_many_cells_is_refused_in_chinese(monkeypatch):
    from importers.readers import xlsx

    monkeypatch.setattr(xlsx, "MAX_CELLS", 10)
    with pytest.raises(NoticeImportError, match="过大"):
        read_xlsx(_xlsx(_division_book()))


def test_percentage_cells_read_as_percentages():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位", "完成率"])
    sheet.append(["县应急局", 0.95])
    sheet["B2"].number_format = "0%"
    assert read_xlsx(_xlsx(book)).blocks[0].rows[1] == ["县应急局", "95%"]


def test_empty_workbook_is_refused_in_chinese():
    with pytest.raises(NoticeImportError, match="没有任何内容"):
        read_xlsx(_xlsx(openpyxl.Workbook()))


def test_caption_row_between_title_and_header_becomes_paragraphs():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "安全生产重点工作台账"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "填报单位：县应急局"
    sheet["D2"] = "填报日期：2024年3月1日"
    sheet.append(["序号", "任务", "措施", "责任单位", "完成时限"])
    sheet.append([1, "压实责任", "每月开会。", "县应急局", "2024年12月31日"])
    blocks = read_xlsx(_xlsx(book)).blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "安全生产重点工作台账",
        "填报单位：县应急局",
        "填报日期：2024年3月1日",
    ]
    assert blocks[-1].rows[0] == ["序号", "任务", "措施", "责任单位", "完成时限"]
