from importers.parse import MeasureParse, NoticeParse, TaskParse
from importers.revisions import OldMeasure, diff_measures


def _parse(*tasks):
    return NoticeParse(
        tasks=[TaskParse(measures=[MeasureParse(text=t) for t in ts]) for ts in tasks]
    )


def test_same_text_is_unchanged_even_when_it_moved():
    old = [OldMeasure(1, "每月召开一次会议。"), OldMeasure(2, "年底前完成清单修订。")]
    diff = diff_measures(old, _parse(["年底前完成清单修订。"], ["每月 召开一次会议。"]))
    assert [(o.id, pos) for o, pos in diff.unchanged] == [(2, (0, 0)), (1, (1, 0))]
    assert diff.is_empty


def test_similar_text_is_changed_and_the_rest_added_or_removed():
    old = [
        OldMeasure(1, "安委会每月至少召开一次会议，分析安全形势，解决重大问题。"),
        OldMeasure(2, "开展消防安全专项整治行动。"),
    ]
    new = _parse(
        ["安委会每季度至少召开一次会议，分析安全形势，解决重大问题。", "推进应急广播建设。"]
    )
    diff = diff_measures(old, new)
    assert [(o.id, pos) for o, pos in diff.changed] == [(1, (0, 0))]
    assert diff.added == [(0, 1)]
    assert [o.id for o in diff.removed] == [2]


def test_duplicate_texts_pair_one_to_one():
    old = [OldMeasure(1, "加强检查。"), OldMeasure(2, "加强检查。")]
    diff = diff_measures(old, _parse(["加强检查。"]))
    assert [o.id for o, _ in diff.unchanged] == [1]
    assert [o.id for o in diff.removed] == [2]
