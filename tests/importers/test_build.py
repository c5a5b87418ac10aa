import datetime as dt

from importers.build import build_notice
from importers.parse import Directory, DirectoryUnit
from importers.readers.txt import read_txt

NOTICE = """某政发〔2024〕1号
某县人民政府
关于做好2024年安全生产工作的通知
各乡镇人民政府，县直各有关单位：
2024年，全县安全生产工作要坚持人民至上。现就有关事项通知如下：
一、压实安全生产责任
（一）压实党政领导责任。县安委会每季度召开一次全体会议。各乡镇年底前完成
自查。
（二）压实部门监管责任，明确监管职责。加强执法检查。
二、强化风险防控
（三）强化源头管控。严格准入。
特此通知。
某县人民政府
2024年2月18日
（此件公开发布）
抄送：县委办公室。
"""


def test_txt_notice_end_to_end_in_gbk():
    parse = build_notice(read_txt(NOTICE.encode("gbk")))
    assert (parse.title, parse.doc_number, parse.issuer, parse.year, parse.issued_on) == (
        "某县人民政府关于做好2024年安全生产工作的通知",
        "某政发〔2024〕1号",
        "某县人民政府",
        2024,
        dt.date(2024, 2, 18),
    )
    assert [(t.number, t.chapter, t.title) for t in parse.tasks] == [
        ("1", "压实安全生产责任", "压实党政领导责任"),
        ("2", "压实安全生产责任", None),
        ("3", "强化风险防控", "强化源头管控"),
    ]
    first = parse.tasks[0].measures
    assert [(m.text, m.recurrence, m.due) for m in first] == [
        ("县安委会每季度召开一次全体会议。", "quarterly", None),
        ("各乡镇年底前完成自查。", None, dt.date(2024, 12, 31)),
    ]
    texts = [m.text for t in parse.tasks for m in t.measures]
    assert "特此通知。" not in texts and not any("抄送" in t or "人民至上" in t for t in texts)


TABLE = (
    "某县2023年安全生产工作重点任务分工\n\n"
    "\t序号\n\t任务\n\t主要内容\n\t责任单位\n\n"
    "\t1\n\t燃气\n\t深化液化石油气安全整治。\n\t县住建局牵头，县应急局、各有关部门配合\n\n"
    "\t\n\t\n\t加强燃气企业经营许可动态考核。- 21 -\n\t市生态环境局某分局\n"
)


def test_txt_division_table_with_directory_flags():
    directory = Directory(
        units=[DirectoryUnit(id=3, name="县住房和城乡建设局", aliases=["县住建局"])]
    )
    parse = build_notice(read_txt(TABLE.encode()), directory=directory)
    assert parse.kind == "division_table" and parse.year == 2023
    first, second = parse.tasks[0].measures
    assert [(u.name, u.role, u.unit_id) for u in first.units] == [
        ("县住建局", "lead", 3),
        ("县应急局", "cooperate", None),
        ("各有关部门", "cooperate", None),
    ]
    assert first.units[1].is_new and first.units[2].needs_choice and not first.units[2].is_new
    assert second.text == "加强燃气企业经营许可动态考核。"
    assert second.units[0].is_new
    assert any("有关部门" in w for w in parse.warnings)


COVER_LETTER = """某县安全生产委员会
关于印发《某县2024年安全生产工作要点》的通知
各乡镇：
现将《某县2024年安全生产工作要点》印发给你们，请认真贯彻落实。
某县安全生产委员会
2024年3月1日
某县2024年安全生产工作要点
一、压实责任
（一）落实党政责任。每月召开一次安委会会议。
（二）落实部门责任。加强执法检查。
抄送：县委办公室。
"""


def test_plan_attached_to_a_cover_letter_gives_the_tasks():
    parse = build_notice(read_txt(COVER_LETTER.encode()))
    assert parse.issued_on == dt.date(2024, 3, 1)
    assert [(t.number, t.chapter, t.title) for t in parse.tasks] == [
        ("1", "压实责任", "落实党政责任"),
        ("2", "压实责任", "落实部门责任"),
    ]
    assert parse.tasks[0].measures[0].recurrence == "monthly"
