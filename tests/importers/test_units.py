from importers.parse import Directory, DirectoryGroup, DirectoryUnit
from importers.units import resolve_units, split_units, trailing_unit_list


def _pairs(text):
    return [(u.name, u.role) for u in split_units(text)]


def test_units_are_split_on_commas_and_enumeration_marks():
    assert _pairs("县应急局、县能源局，各乡镇") == [
        ("县应急局", "responsible"),
        ("县能源局", "responsible"),
        ("各乡镇", "responsible"),
    ]


def test_clause_with_qiantou_is_lead_and_with_peihe_is_cooperate():
    assert _pairs("县林业局牵头，县公安局、县应急局等部门配合，各乡镇") == [
        ("县林业局", "lead"),
        ("县公安局", "cooperate"),
        ("县应急局", "cooperate"),
        ("各乡镇", "responsible"),
    ]


def test_trailing_dengbumen_and_fengong_fuze_are_dropped():
    assert _pairs("县自然资源局、县发改局等部门分工负责") == [
        ("县自然资源局", "responsible"),
        ("县发改局", "responsible"),
    ]


def test_instruction_after_a_unit_is_dropped():
    assert _pairs("各行业主管部门、负有安全监管职责的部门督促企业落实，并纳入检查内容开展工作") == [
        ("各行业主管部门", "responsible"),
        ("负有安全监管职责的部门", "responsible"),
    ]


def test_unit_named_like_an_instruction_word_is_kept_whole():
    assert _pairs("县委组织部、县应急局的部门分工负责") == [
        ("县委组织部", "responsible"),
        ("县应急局", "responsible"),
    ]


def test_party_committees_and_governments_are_two_units():
    assert _pairs("各级党委、政府") == [("各级党委", "responsible"), ("各级政府", "responsible")]


def test_townships_and_departments_share_their_qualifier():
    assert [u.name for u in split_units("各有关乡镇和部门")] == ["各有关乡镇", "各有关部门"]


def test_cooperation_written_after_the_verb_is_cooperate():
    assert _pairs("县能源局牵头，县应急局等部门根据工作职能做好配合") == [
        ("县能源局", "lead"),
        ("县应急局", "cooperate"),
    ]


def _directory():
    return Directory(
        units=[
            DirectoryUnit(id=1, name="县应急管理局", aliases=["县应急局", "应急局"]),
            DirectoryUnit(id=2, name="县住建局"),
        ],
        groups=[DirectoryGroup(id=9, name="各乡镇", aliases=["乡镇"], member_ids=[11, 12])],
    )


def test_units_match_the_directory_by_alias_and_groups_give_members():
    refs = split_units("县应急局牵头，各乡镇")
    resolve_units(refs, _directory())
    assert refs[0].unit_id == 1 and refs[0].role == "lead"
    assert refs[1].group_id == 9 and refs[1].member_ids == [11, 12]


def test_plausible_unit_missing_from_the_directory_is_new():
    refs = split_units("市生态环境局交城分局、县住建局")
    resolve_units(refs, _directory())
    assert refs[0].is_new and refs[0].unit_id is None
    assert not refs[1].is_new and refs[1].unit_id == 2


def test_unnamed_departments_need_the_office_to_choose():
    refs = split_units("各有关部门、各相关部门")
    resolve_units(refs, _directory())
    assert all(r.needs_choice and not r.is_new for r in refs)


def test_without_a_directory_nothing_is_flagged_new():
    refs = split_units("县某某局")
    resolve_units(refs, None)
    assert not refs[0].is_new and refs[0].unit_id is None


def test_closing_parenthesis_listing_units_is_split_off():
    passage, units = trailing_unit_list("加强宣传教育。（县委宣传部、县应急局分工负责;各乡镇）")
    assert passage == "加强宣传教育。"
    assert [u.name for u in units] == ["县委宣传部", "县应急局", "各乡镇"]


def test_closing_parenthesis_that_is_not_a_unit_list_is_text():
    assert trailing_unit_list("落实实施办法（试行）") is None
