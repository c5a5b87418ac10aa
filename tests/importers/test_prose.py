from importers.build import build_notice
from importers.document import Document, Paragraph
from importers.lines import join_lines
from importers.prose import build_prose_tasks, split_sentences


def _notice(*lines, numbering=None):
    blocks = [
        Paragraph(t)
        for t in ("关于做好2024年安全生产工作的通知", "各乡镇，县直各有关单位：", *lines)
    ]
    if numbering:
        for block in blocks:
            if block.text in numbering:
                block.numbering = numbering[block.text]
    return build_notice(Document(blocks=blocks))


def test_item_with_a_heading_sentence_gets_a_title_and_measures():
    parse = _notice(
        "一、压实安全责任", "（四）严格安全监管执法。认真贯彻安全生产法。规范执法行为！"
    )
    task = parse.tasks[0]
    assert (task.number, task.chapter, task.title) == ("4", "压实安全责任", "严格安全监管执法")
    assert [m.text for m in task.measures] == ["认真贯彻安全生产法。", "规范执法行为！"]


def test_item_whose_first_sentence_has_a_comma_has_no_title():
    task = _notice("一、总体要求", "（一）认真贯彻落实，牢固树立理念。始终保持敬畏。").tasks[0]
    assert task.title is None
    assert [m.text for m in task.measures] == ["认真贯彻落实，牢固树立理念。", "始终保持敬畏。"]


def test_preamble_before_the_first_heading_is_not_a_task():
    parse = _notice(
        "2024年，全镇安全生产工作坚持以人民为中心。", "一、压实责任", "（一）落实责任。严格落实。"
    )
    assert [m.text for t in parse.tasks for m in t.measures] == ["严格落实。"]


def test_sentences_are_not_split_inside_quotes_or_brackets():
    text = "坚持“安全第一。预防为主”理念。落实（整改。销号）制度。"
    assert split_sentences(text) == ["坚持“安全第一。预防为主”理念。", "落实（整改。销号）制度。"]


def test_line_broken_mid_sentence_is_rejoined():
    task = _notice(
        "一、压实责任", "（三）依法落实企业主体责任。其他高危行业领域企", "业推广矿山企业做法。"
    ).tasks[0]
    assert [m.text for m in task.measures] == ["其他高危行业领域企业推广矿山企业做法。"]


def test_sub_items_and_labels_become_topics():
    task = _notice(
        "一、压实责任",
        "（七）完善五个体系。",
        "1.完善党委政府领导责任体系。坚持党政同责。",
        "2.完善应急体系。健全完善机制。",
        "（八）做好重点灾种防范工作。",
        "森林草原火灾：深入开展隐患排查。强化监测预警。",
        "其他行业领域也要开展专项整治。",
    ).tasks
    assert [(m.text, m.topic) for m in task[0].measures] == [
        ("坚持党政同责。", "完善党委政府领导责任体系"),
        ("健全完善机制。", "完善应急体系"),
    ]
    assert [(m.text, m.topic) for m in task[1].measures] == [
        ("深入开展隐患排查。", "森林草原火灾"),
        ("强化监测预警。", "森林草原火灾"),
        ("其他行业领域也要开展专项整治。", None),
    ]


def test_word_auto_numbering_is_used_as_the_heading_number():
    parse = _notice(
        "压实责任",
        "落实党政责任。严格落实。",
        numbering={"压实责任": "一、", "落实党政责任。严格落实。": "（一）"},
    )
    task = parse.tasks[0]
    assert (task.number, task.chapter, task.title) == ("1", "压实责任", "落实党政责任")


def test_short_notice_chapters_carrying_text_are_tasks_without_chapter():
    parse = _notice(
        "一、快速抓好问题整改。对发现的问题加强督办。", "二、加大执法检查力度。组织专项执法检查。"
    )
    assert [(t.number, t.chapter, t.title) for t in parse.tasks] == [
        ("1", None, "快速抓好问题整改"),
        ("2", None, "加大执法检查力度"),
    ]


def test_paragraphs_under_bare_chapters_are_tasks_of_their_own():
    tasks = build_prose_tasks(
        ["一、夯实基层基础", "配齐执法人员。形成合力。", "全面实施提升工程。"], 2023
    )
    assert [(t.number, t.chapter, len(t.measures)) for t in tasks] == [
        (None, "夯实基层基础", 2),
        (None, "夯实基层基础", 1),
    ]


def test_units_in_a_closing_parenthesis_make_one_measure():
    task = _notice(
        "一、宣传",
        "（一）加强宣传。开展宣传活动。营造氛围。（县委宣传部、县应急局分工负责;各乡镇）",
    ).tasks[0]
    assert [m.text for m in task.measures] == ["开展宣传活动。营造氛围。"]
    assert [u.name for u in task.measures[0].units] == ["县委宣传部", "县应急局", "各乡镇"]


def test_contact_lines_are_not_measures():
    parse = _notice("一、压实责任。落实责任。", "联系人：张三，电话：1234567")
    assert [m.text for t in parse.tasks for m in t.measures] == ["落实责任。"]


# Hard-wrapped text as PDF extraction gives it: every printed line a line of 28 characters.
PDF_LINES = [
    "一、全面学习贯彻落实党的二十大精神和习近平总书记关于",
    "安全生产的重要论述",
    "认真贯彻落实党的二十大精神和习近",
    "二、严格落实安全生产责任，全方位拧紧扣牢责任链",
    "平总书记关于安全生产工作的重要论述和指示批示精神，全面深",
    "入领会党中央对新时代应急管理工作作出的决策部署，将其作为",
    "政治理论学习的重要内容，常态化定期开展学习。",
    "认真贯彻《中共中央办",
    "公厅国务院办公厅关于印发地方党政领导干部安全生产责任制",
    "规定的通知》要求，严格落实安全生产职责清单和年度任务清单。",
    "每月至少召开一次会议，分析安全形势，解决重大问题。县领导",
    "干部每月至少深入一线或企业一次，调研指导安全生产工作。积",
    "极推进县安委办实体化运行。",
    "大力推广安全生产专项",
    "整治三年行动中的经验做法，坚持不懈落实好国务院十五条措施",
    "违法违规用火行为。 实施水库和淤地坝除险加固、中",
    "小河流治理、河道堤防维修、山洪沟道治理等工程，统筹做好抗",
    "旱保供水工作。",
]


def test_heading_moved_into_previous_paragraph_is_split_out():
    paragraphs = join_lines(PDF_LINES)
    assert paragraphs[0] == "一、全面学习贯彻落实党的二十大精神和习近平总书记关于安全生产的重要论述"
    assert paragraphs[1].startswith("认真贯彻落实党的二十大精神和习近平总书记")
    assert paragraphs[1].endswith("常态化定期开展学习。")
    assert paragraphs[2] == "二、严格落实安全生产责任，全方位拧紧扣牢责任链"


def test_hard_wrapped_paragraphs_end_at_short_lines():
    paragraphs = join_lines(PDF_LINES)
    assert paragraphs[3].startswith("认真贯彻《中共中央办公厅")
    assert paragraphs[3].endswith("积极推进县安委办实体化运行。")
    assert paragraphs[4].startswith("大力推广安全生产专项整治")


def test_gap_after_a_full_stop_in_a_short_line_starts_a_paragraph():
    paragraphs = join_lines(PDF_LINES)
    assert paragraphs[-2].endswith("违法违规用火行为。")
    assert (
        paragraphs[-1]
        == "实施水库和淤地坝除险加固、中小河流治理、河道堤防维修、山洪沟道治理等工程，统筹做好抗旱保供水工作。"
    )


def test_flowing_paragraphs_are_not_joined_after_a_full_stop():
    assert join_lines(["一、总体要求", "第一段。", "第二段，", "接上文。"]) == [
        "一、总体要求",
        "第一段。",
        "第二段，接上文。",
    ]


# The same body printed at 22 characters a line, with nothing lost.
WRAPPED = [
    "一、压实安全生产责任，统筹发展",
    "（一）严格落实党政领导责任。坚持党政同",
    "责、一岗双责、齐抓共管、失职追责，进一步",
    "明确并落实党政班子成员安全生产职责。",
    "（二）深化非煤矿山、冶金、消防、交通、",
    "建筑施工等领域整治。非煤矿山重点加强地下",
    "矿山安全整治，严防中毒及淹井等事故发生。",
    "森林草原火灾：深入开展重大火险隐患排查整",
    "治。强化监测预警和群防群控，加强防火宣传",
    "教育，严格野外用火管控，严查违法用火。",
    "水旱灾害：加强防汛抗旱准备和隐患排查，强",
    "化排水防涝设施建设，提升应急处置能力。",
]


def test_numbered_heading_running_into_its_text_is_one_paragraph():
    paragraphs = join_lines(WRAPPED)
    assert paragraphs[1] == (
        "（一）严格落实党政领导责任。坚持党政同责、一岗双责、齐抓共管、失职追责，"
        "进一步明确并落实党政班子成员安全生产职责。"
    )
    assert paragraphs[2].startswith("（二）深化非煤矿山、冶金、消防、交通、建筑施工等领域整治。")


def test_label_opening_a_line_after_a_full_stop_opens_a_paragraph():
    paragraphs = join_lines(WRAPPED)
    assert paragraphs[-2].startswith("森林草原火灾：") and paragraphs[-2].endswith("严查违法用火。")
    assert paragraphs[-1].startswith("水旱灾害：")


def test_first_line_indent_opens_a_paragraph_when_only_some_lines_have_it():
    # The first paragraph ends without a full stop, so only the indent tells where it ends.
    lines = ["一、压实责任", "第一段第一句话写在这里，", "接着写完", "第二段写在这里，", "也写完。"]
    indented = [False, True, False, True, False]
    assert join_lines(lines, indented) == [
        "一、压实责任",
        "第一段第一句话写在这里，接着写完",
        "第二段写在这里，也写完。",
    ]
    assert len(join_lines(lines)) == 2


def test_numbered_sub_items_without_higher_items_are_the_tasks():
    tasks = build_prose_tasks(
        ["一、压实责任", "1.落实党政责任。严格落实。", "2.落实部门责任。加强监管。"], 2024
    )
    assert [(t.number, t.chapter, t.title) for t in tasks] == [
        ("1", "压实责任", "落实党政责任"),
        ("2", "压实责任", "落实部门责任"),
    ]
