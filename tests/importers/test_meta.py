import datetime as dt

from importers.build import build_notice
from importers.document import Document, Paragraph
from importers.meta import extract_meta


def _meta(lines, doc_meta=None):
    return extract_meta(lines, doc_meta or {})


def test_doc_number_title_issuer_and_signature_date():
    meta = _meta(
        [
            "代政发〔2021〕1号",
            "代县人民政府",
            "关于做好2021年安全生产工作的通知",
            "各乡（镇）人民政府：",
            "正文。",
            "代县人民政府",
            "2021年3月22日",
        ]
    )
    assert meta.doc_number == "代政发〔2021〕1号"
    assert meta.issuer == "代县人民政府"
    assert meta.title == "代县人民政府关于做好2021年安全生产工作的通知"
    assert meta.year == 2021
    assert meta.issued_on == dt.date(2021, 3, 22)


def test_spaces_inside_a_pdf_doc_number_are_removed():
    meta = _meta(
        [
            " 襄政发〔2023〕1 号",
            "关于做好 2023 年安全生产工作的通知",
            "襄垣县人民政府",
            "2023年 1月 20日",
        ]
    )
    assert meta.doc_number == "襄政发〔2023〕1号"
    assert meta.year == 2023
    assert meta.issuer == "襄垣县人民政府"
    assert meta.issued_on == dt.date(2023, 1, 20)


def test_a_doc_number_cited_in_the_body_is_not_the_notices():
    meta = _meta(
        [
            "某镇人民政府 关于做好2024年安全生产工作的方案",
            "根据（交政发〔2024〕1号）精神，制定方案。",
        ]
    )
    assert meta.doc_number is None
    assert meta.issuer == "某镇人民政府"


def test_printed_date_is_used_when_no_signature_date():
    meta = _meta(
        [
            "某镇人民政府 关于做好2024年安全生产工作的方案",
            "正文。",
            "抄报：县政府办。",
            "某镇人民政府",
            "2024年3月5日印发",
        ]
    )
    assert meta.issued_on == dt.date(2024, 3, 5)


def test_signature_date_wins_over_printed_date():
    meta = _meta(
        [
            "关于做好2023年安全生产工作的通知",
            "某县人民政府",
            "2023年1月20日",
            "某县人民政府办公室 2023年1月25日印发",
        ]
    )
    assert meta.issued_on == dt.date(2023, 1, 20)


def test_web_page_metadata_fills_number_and_date():
    meta = _meta(
        ["长治市潞城区人民政府关于做好2020年安全生产工作的通知"],
        {"发文字号": "潞城政发〔2020〕1号", "发文时间": "2020-02-18"},
    )
    assert meta.doc_number == "潞城政发〔2020〕1号"
    assert meta.issued_on == dt.date(2020, 2, 18)
    assert meta.issuer == "长治市潞城区人民政府"


def test_title_broken_over_two_lines_is_joined():
    meta = _meta(
        [
            "某市安全生产委员会办公室",
            "关于举一反三抓好明查暗访发",
            "现问题整改工作的通知",
            "各县市区：",
        ]
    )
    assert meta.title == "某市安全生产委员会办公室关于举一反三抓好明查暗访发现问题整改工作的通知"


def test_division_table_title_has_a_year_and_no_issuer():
    meta = _meta(["某县2023年安全生产工作重点任务分工"])
    assert meta.title == "某县2023年安全生产工作重点任务分工"
    assert meta.year == 2023
    assert meta.issuer is None


def test_signature_and_cc_lines_never_become_measures():
    doc = Document(
        blocks=[
            Paragraph(t)
            for t in [
                "关于做好2024年安全生产工作的通知",
                "一、压实责任",
                "（一）落实责任。严格落实各项责任。",
                "某县人民政府",
                "2024年1月2日",
                "（此件公开发布）",
                "抄送：县委办公室，县人大常委会办公室。",
            ]
        ]
    )
    texts = [m.text for t in build_notice(doc).tasks for m in t.measures]
    assert texts == ["严格落实各项责任。"]


def test_title_cited_in_the_preamble_is_not_the_title():
    meta = _meta(
        [
            "某镇人民政府 关于做好2024年安全生产",
            "工作的方案",
            "各村：",
            "守牢底线。根据《某县人民政府关于做好2024年安全生产工作的通知》精神，制定方案。",
        ]
    )
    assert meta.title == "某镇人民政府关于做好2024年安全生产工作的方案"
    assert meta.issuer == "某镇人民政府"


def test_joint_issuers_above_the_title_are_all_kept():
    meta = _meta(
        [
            "鲁安发〔2024〕1号",
            "山东省某安全生产委员会",
            "山东省某消防安全委员会",
            "关于做好消防工作的紧急通知",
        ]
    )
    assert meta.issuer == "山东省某安全生产委员会山东省某消防安全委员会"
    assert meta.title == "山东省某安全生产委员会山东省某消防安全委员会关于做好消防工作的紧急通知"
    assert meta.year == 2024


def test_signature_date_in_chinese_numerals_is_read():
    meta = _meta(
        ["关于做好2024年安全生产工作的通知", "正文。", "某县人民政府", "二〇二四年十二月二十一日"]
    )
    assert meta.issued_on == dt.date(2024, 12, 21)
    assert meta.issuer == "某县人民政府"


def test_title_that_issues_a_named_document_is_kept():
    meta = _meta(["某县安全生产委员会", "关于印发《某县2024年安全生产工作要点》的通知", "各乡镇："])
    assert meta.title == "某县安全生产委员会关于印发《某县2024年安全生产工作要点》的通知"
    assert meta.year == 2024
