import datetime as dt

from importers.parse import MeasureParse, NoticeParse, TaskParse, UnitRef
from importers.serialize import parse_from_json


def test_parse_survives_a_round_trip_through_json():
    parse = NoticeParse(
        title="关于做好2024年安全生产工作的通知",
        doc_number="交政发〔2024〕1号",
        year=2024,
        issued_on=dt.date(2024, 2, 1),
        tasks=[
            TaskParse(
                number="1",
                chapter="压实责任",
                title="落实党政领导责任",
                measures=[
                    MeasureParse(
                        text="每月召开一次会议。",
                        units=[
                            UnitRef("县应急局", "lead", unit_id=3),
                            UnitRef("各乡镇", group_id=2, member_ids=[7, 8]),
                            UnitRef("各有关部门", needs_choice=True),
                        ],
                        recurrence="monthly",
                        due=dt.date(2024, 12, 31),
                    )
                ],
            )
        ],
        warnings=["有 1 个单位需要指定"],
    )
    assert parse_from_json(parse.to_json()) == parse


def test_bad_dates_in_json_become_none():
    parse = parse_from_json(
        {"issued_on": "2024-13-01", "tasks": [{"measures": [{"text": "x", "due": "bad"}]}]}
    )
    assert parse.issued_on is None and parse.tasks[0].measures[0].due is None
