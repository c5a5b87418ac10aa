import datetime as dt

from importers.build import build_notice
from importers.document import Document, Paragraph, Table
from importers.tables import build_table_tasks, table_title

HEADER = ["序号", "任务", "主要内容", "责任单位"]


def _tasks(rows, year=2023):
    return build_table_tasks(Table(rows=[HEADER, *rows]), year)


def test_one_task_per_number_one_measure_per_row():
    tasks = _tasks(
        [
            ["1", "提高站位", "认真贯彻。", "各乡镇"],
            ["2", "落实责任", "落实清单。", "县安委办"],
            ["", "", "每月召开一次会议。", "县安委会"],
        ]
    )
    assert [(t.number, t.title, len(t.measures)) for t in tasks] == [
        ("1", "提高站位", 1),
        ("2", "落实责任", 2),
    ]
    assert tasks[1].measures[1].recurrence == "monthly"


def test_merged_number_and_task_cells_continue_the_task():
    tasks = _tasks([["4", "企业责任", "甲。", "县应急局"], ["4", "企业责任", "乙。", "县应急局"]])
    assert len(tasks) == 1 and [m.text for m in tasks[0].measures] == ["甲。", "乙。"]


def test_missing_number_is_the_next_in_sequence():
    tasks = _tasks([["28", "甲", "甲内容。", "县应急局"], ["", "专业优势", "乙内容。", "县住建局"]])
    assert [t.number for t in tasks] == ["28", "29"]


def test_same_task_repeated_after_a_page_break_continues_it():
    tasks = _tasks(
        [
            ["34", "队伍建设", "甲。", "县应急局"],
            ["", "装备保障", "乙。", "县财政局"],
            ["", "装备保障", "丙。", "县直各部门"],
        ]
    )
    assert [(t.number, len(t.measures)) for t in tasks] == [("34", 1), ("35", 2)]


def test_header_repeated_on_each_page_is_skipped():
    tasks = _tasks(
        [["1", "甲", "甲内容。", "县应急局"], HEADER, ["2", "乙", "乙内容。", "县住建局"]]
    )
    assert [t.number for t in tasks] == ["1", "2"]
    assert all(m.text != "主要内容" for t in tasks for m in t.measures)


def test_page_number_glued_to_a_cell_is_removed():
    tasks = _tasks([["3- 16 -", "落实监管", "严格落实制度。- 17 -", "县应急局"]])
    assert tasks[0].number == "3"
    assert tasks[0].measures[0].text == "严格落实制度。"


def test_columns_are_found_by_header_name_in_any_order():
    rows = [
        ["重点工作和要求", "牵头单位", "配合单位", "完成时限", "编号"],
        ["完成排查。", "县应急局", "县公安局、县交通局", "6月底前", "1"],
    ]
    task = build_table_tasks(Table(rows=rows), 2024)[0]
    measure = task.measures[0]
    assert measure.text == "完成排查。"
    assert [(u.name, u.role) for u in measure.units] == [
        ("县应急局", "lead"),
        ("县公安局", "cooperate"),
        ("县交通局", "cooperate"),
    ]
    assert measure.due == dt.date(2024, 6, 30)


def test_title_row_above_the_header_is_the_title():
    rows = [["某县2023年重点任务分工"] * 4, HEADER, ["1", "甲", "甲内容。", "县应急局"]]
    assert table_title(Table(rows=rows)) == "某县2023年重点任务分工"


def test_section_row_spanning_the_table_is_a_chapter():
    tasks = _tasks([["一、压实责任"] * 4, ["1", "甲", "甲内容。", "县应急局"]])
    assert tasks[0].chapter == "压实责任"


def test_table_document_is_a_division_table_with_units():
    doc = Document(
        blocks=[
            Paragraph("某县2023年安全生产工作重点任务分工"),
            Table(rows=[HEADER, ["1", "甲", "年底前完成。", "县住建局牵头，各乡镇"]]),
        ]
    )
    parse = build_notice(doc)
    assert parse.kind == "division_table"
    assert parse.year == 2023
    measure = parse.tasks[0].measures[0]
    assert [(u.name, u.role) for u in measure.units] == [
        ("县住建局", "lead"),
        ("各乡镇", "responsible"),
    ]
    assert measure.due == dt.date(2023, 12, 31)


def test_title_row_inside_the_table_gives_title_and_year_for_deadlines():
    rows = [["某县2023年重点任务分工"] * 4, HEADER, ["1", "甲", "年底前完成。", "县应急局"]]
    parse = build_notice(Document(blocks=[Table(rows=rows)]))
    assert parse.title == "某县2023年重点任务分工"
    assert parse.year == 2023
    assert parse.tasks[0].measures[0].due == dt.date(2023, 12, 31)


def test_two_row_header_splits_units_into_lead_and_cooperate():
    rows = [
        ["序号", "主要内容", "责任单位", "责任单位"],
        ["序号", "主要内容", "牵头单位", "配合单位"],
        ["1", "开展排查。", "县应急局", "县公安局"],
    ]
    tasks = build_table_tasks(Table(rows=rows), 2024)
    assert [m.text for t in tasks for m in t.measures] == ["开展排查。"]
    units = tasks[0].measures[0].units
    assert [(u.name, u.role) for u in units] == [("县应急局", "lead"), ("县公安局", "cooperate")]


def test_section_row_with_a_chinese_number_is_a_chapter_not_a_task():
    tasks = _tasks(
        [
            ["一", "压实安全责任", "压实安全责任", "压实安全责任"],
            ["1", "甲", "甲内容。", "县应急局"],
        ]
    )
    assert [(t.number, t.chapter) for t in tasks] == [("1", "压实安全责任")]


def test_note_under_a_division_table_does_not_make_it_a_notice():
    doc = Document(
        blocks=[
            Paragraph("某县2023年安全生产工作重点任务分工"),
            Table(rows=[HEADER, ["1", "甲", "甲内容。", "县应急局"]]),
            Paragraph("注：各单位于每月5日前报送工作进展。"),
        ]
    )
    parse = build_notice(doc)
    assert parse.kind == "division_table"
    assert [m.text for t in parse.tasks for m in t.measures] == ["甲内容。"]
