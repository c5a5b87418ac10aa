import datetime as dt

from importers.corrections import (
    Corrections,
    MeasureEdit,
    TaskEdit,
    apply_corrections,
    format_units,
    read_units,
)
from importers.parse import Directory, DirectoryGroup, DirectoryUnit, NoticeParse, UnitRef

DIRECTORY = Directory(
    units=[
        DirectoryUnit(1, "县应急局", ["县应急管理局"]),
        DirectoryUnit(2, "县住建局"),
        DirectoryUnit(3, "天宁镇", kind="township"),
        DirectoryUnit(4, "西营镇", kind="township"),
    ],
    groups=[DirectoryGroup(9, "各乡镇", member_ids=[3, 4])],
)


def _base():
    return NoticeParse(title="关于做好2024年安全生产工作的通知", year=2024)


def _edits(*measures, tasks=1):
    return Corrections(tasks=[TaskEdit(number=str(i + 1), title=f"任务{i + 1}") for i in range(tasks)],
                       measures=list(measures))  # fmt: skip


def test_units_are_written_as_the_notices_write_them():
    units = [UnitRef("县应急局", "lead"), UnitRef("县住建局", "cooperate"), UnitRef("各乡镇")]
    assert format_units(units) == "县应急局牵头；县住建局配合；各乡镇"


def test_units_read_back_with_roles_and_directory_matches():
    refs = read_units("县应急管理局牵头；县住建局配合；各乡镇", DIRECTORY)
    assert [(r.name, r.role) for r in refs] == [
        ("县应急管理局", "lead"),
        ("县住建局", "cooperate"),
        ("各乡镇", "responsible"),
    ]
    assert refs[0].unit_id == 1 and refs[2].member_ids == [3, 4]


def test_unknown_and_vague_units_are_flagged():
    refs = read_units("县大数据局、各有关部门", DIRECTORY)
    assert refs[0].is_new and refs[1].needs_choice


def test_edited_text_units_and_date_replace_the_parse():
    parse = apply_corrections(
        _base(),
        _edits(MeasureEdit(task=0, text="改后的措施。", units="县住建局", due=dt.date(2024, 6, 30),
                           recurrence="monthly")),
        DIRECTORY,
    )  # fmt: skip
    m = parse.tasks[0].measures[0]
    assert (m.text, m.due, m.recurrence) == ("改后的措施。", dt.date(2024, 6, 30), "monthly")
    assert [u.unit_id for u in m.units] == [2]


def test_blank_line_splits_a_measure_in_two():
    parse = apply_corrections(
        _base(),
        _edits(MeasureEdit(task=0, text="第一句。\n\n第二句。", units="县应急局")),
        DIRECTORY,
    )
    assert [m.text for m in parse.tasks[0].measures] == ["第一句。", "第二句。"]
    assert all(m.units[0].unit_id == 1 for m in parse.tasks[0].measures)


def test_merge_joins_with_the_next_measure_of_the_same_task():
    parse = apply_corrections(
        _base(),
        _edits(
            MeasureEdit(task=0, text="前半句，", units="县应急局", merge_next=True),
            MeasureEdit(task=0, text="后半句。", units="县住建局"),
            MeasureEdit(task=0, text="另一句。", units=""),
        ),
        DIRECTORY,
    )
    texts = [m.text for m in parse.tasks[0].measures]
    assert texts == ["前半句，后半句。", "另一句。"]
    assert [u.name for u in parse.tasks[0].measures[0].units] == ["县应急局", "县住建局"]


def test_merge_does_not_cross_into_another_task():
    parse = apply_corrections(
        _base(),
        _edits(
            MeasureEdit(task=0, text="甲。", units="", merge_next=True),
            MeasureEdit(task=1, text="乙。", units=""),
            tasks=2,
        ),
        DIRECTORY,
    )
    assert [[m.text for m in t.measures] for t in parse.tasks] == [["甲。"], ["乙。"]]


def test_deleted_measures_and_emptied_tasks_are_dropped():
    parse = apply_corrections(
        _base(),
        _edits(MeasureEdit(task=0, text="删掉。", units="", delete=True),
               MeasureEdit(task=1, text="留下。", units=""), tasks=2),
        DIRECTORY,
    )  # fmt: skip
    assert [t.title for t in parse.tasks] == ["任务2"]


def test_warnings_name_units_left_for_the_office():
    parse = apply_corrections(
        _base(), _edits(MeasureEdit(task=0, text="x。", units="各有关部门；县大数据局")), DIRECTORY
    )
    assert any("各有关部门" in w for w in parse.warnings)
    assert any("县大数据局" in w for w in parse.warnings)
