import pytest

from importers.document import Paragraph, Table
from importers.parse import NoticeImportError
from importers.readers.pdf import _PAGE_NUMBER, _clean_line, _line_text, read_pdf
from tests.importers.office_inputs import FIXTURES
from tests.importers.pdf_inputs import (
    image_only_pdf,
    line,
    make_pdf,
    rect,
    scan_with_a_stamp,
    text,
)

SHANDONG = FIXTURES / "shandong-2024-xiaofang-urgent-notice.pdf"
WITH_FORM = FIXTURES / "enterprise-2024-05-lianghui-notice.pdf"


def _texts(blocks) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text.strip() for b in blocks if isinstance(b, Paragraph)]


def _body_page(number: int, header: str = "") -> str:
    content = text(72, 760, "First line of the notice body.")
    content += text(72, 740, "Second line continues the sentence.")
    content += text(280, 40, f"- {number} -")
    if header:
        content += text(250, 815, header)
    return content


def test_footer_page_numbers_are_dropped_and_body_lines_kept_in_order():
    blocks = read_pdf(make_pdf([_body_page(1), _body_page(2)])).blocks
    assert (
        _texts(blocks)
        == [
            "First line of the notice body.",
            "Second line continues the sentence.",
        ]
        * 2
    )


@pytest.mark.parametrize("furniture", ["3", "3/9", "Page 3", "-3-"])
def test_other_page_number_styles_in_the_margin_are_dropped(furniture):
    page = text(72, 760, "Body text line.") + text(270, 30, furniture)
    assert _texts(read_pdf(make_pdf([page])).blocks) == ["Body text line."]


@pytest.mark.parametrize(
    "furniture", ["第3页", "第 3 页 共 9 页", "共9页 第3页", "— 213 —", "- 16 -"]
)
def test_page_number_pattern_knows_chinese_page_numbers(furniture):
    assert _PAGE_NUMBER.match(furniture.replace(" ", ""))


def test_page_number_pattern_leaves_body_text_alone():
    assert not _PAGE_NUMBER.match("第三章")
    assert not _PAGE_NUMBER.match("2024年")


def test_running_header_repeated_on_every_page_is_dropped():
    pages = [_body_page(n, header=f"Safety Office Bulletin {n}") for n in range(1, 5)]
    texts = _texts(read_pdf(make_pdf(pages)).blocks)
    assert not any("Bulletin" in t for t in texts)
    assert texts.count("First line of the notice body.") == 4


def test_ruled_table_becomes_a_table_block_in_its_place():
    content = text(72, 760, "Before the table.")
    # Two columns, three rows, every cell ruled.
    top, row_h, col_w = 720, 30, 150
    for r in range(3):
        for c in range(2):
            content += rect(72 + c * col_w, top - (r + 1) * row_h, col_w, row_h)
    cells = [("No", "Task"), ("1", "Inspect mines"), ("2", "Train staff")]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            content += text(80 + c * col_w, top - (r + 1) * row_h + 10, value)
    content += text(72, 600, "After the table.")
    blocks = read_pdf(make_pdf([content])).blocks
    assert [type(b) for b in blocks] == [Paragraph, Table, Paragraph]
    assert blocks[1].rows == [["No", "Task"], ["1", "Inspect mines"], ["2", "Train staff"]]


def test_cell_merged_over_two_rows_is_repeated_in_both():
    top, row_h = 720, 30
    content = ""
    # Left column: one tall cell over rows 2 and 3; right column: three cells.
    content += rect(72, top - row_h, 150, row_h)
    content += rect(72, top - 3 * row_h, 150, 2 * row_h)
    for r in range(3):
        content += rect(222, top - (r + 1) * row_h, 150, row_h)
    content += text(80, top - row_h + 10, "Task")
    content += text(230, top - row_h + 10, "Content")
    content += text(80, top - 2 * row_h - 5, "Duty")
    content += text(230, top - 2 * row_h + 10, "Meet monthly")
    content += text(230, top - 3 * row_h + 10, "Check quarterly")
    [table] = [b for b in read_pdf(make_pdf([content])).blocks if isinstance(b, Table)]
    assert table.rows == [
        ["Task", "Content"],
        ["Duty", "Meet monthly"],
        ["Duty", "Check quarterly"],
    ]


def test_table_continued_on_the_next_page_is_joined():
    def table_page(rows: list[tuple[str, str]]) -> str:
        content = ""
        for r, (a, b) in enumerate(rows):
            content += rect(72, 700 - (r + 1) * 30, 150, 30) + rect(
                222, 700 - (r + 1) * 30, 150, 30
            )
            content += text(80, 700 - (r + 1) * 30 + 10, a) + text(230, 700 - (r + 1) * 30 + 10, b)
        return content

    pdf = make_pdf(
        [table_page([("No", "Task"), ("1", "Alpha")]), table_page([("No", "Task"), ("2", "Beta")])]
    )
    [table] = read_pdf(pdf).blocks
    assert table.rows == [["No", "Task"], ["1", "Alpha"], ["2", "Beta"]]


def test_unruled_text_is_not_taken_for_a_table():
    content = line(72, 500, 500, 500) + text(72, 700, "Heading") + text(72, 680, "Body")
    assert all(isinstance(b, Paragraph) for b in read_pdf(make_pdf([content])).blocks)


def test_scanned_pdf_without_text_asks_for_the_word_original_or_ocr():
    with pytest.raises(NoticeImportError, match="扫描件") as info:
        read_pdf(image_only_pdf())
    assert "OCR" in info.value.message and "Word" in info.value.message


def test_scan_with_a_few_stamped_words_is_still_a_scan():
    with pytest.raises(NoticeImportError, match="扫描件"):
        read_pdf(scan_with_a_stamp())


def test_damaged_pdf_raises_a_notice_import_error():
    with pytest.raises(NoticeImportError, match="损坏"):
        read_pdf(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF")


def _chars(spec: list[tuple[str, float]], size: float = 16.0) -> list[dict]:
    return [
        {
            "text": t,
            "x0": x,
            "x1": x + (size if t.strip() else size / 4),
            "size": size,
            "top": 0,
            "bottom": size,
        }
        for t, x in spec
    ]


def test_space_glyphs_and_justification_gaps_between_chinese_characters_are_dropped():
    # "关于 做好 2024 年": space glyphs, and characters spread apart by justification.
    spec = [
        ("关", 0),
        ("于", 17),
        (" ", 33),
        ("做", 38),
        ("好", 55),
        (" ", 71),
        ("2", 76),
        ("0", 84),
    ]
    spec += [("2", 92), ("4", 100), (" ", 108), ("年", 113)]
    assert _line_text(_chars(spec)) == "关于做好2024年"


def test_a_wide_gap_on_a_line_keeps_two_texts_apart():
    left = [(ch, i * 14.0) for i, ch in enumerate("安全生产委员会")]
    right = [(ch, 150 + i * 14.0) for i, ch in enumerate("消防安全委员会")]
    assert _line_text(_chars(left + right)) == "安全生产委员会 消防安全委员会"


def test_spaces_between_latin_words_are_kept():
    spec = [("G", 0), ("B", 9), (" ", 18), ("5", 23), ("0", 32)]
    assert _line_text(_chars(spec, size=12)) == "GB 50"


def test_letter_spaced_words_are_joined_and_radicals_mapped_back():
    assert _clean_line("抄 送：县应急局") == "抄送：县应急局"
    assert _clean_line("安全⽣产⼯作") == "安全生产工作"


# --- a published notice ------------------------------------------------------------------------


def test_real_notice_loses_its_page_numbers_and_keeps_its_text():
    document = read_pdf(SHANDONG.read_bytes())
    texts = _texts(document.blocks)
    assert not any(t.strip("— ").isdigit() for t in texts)
    assert "鲁安发〔2024〕1号" in texts
    assert "2024年1月21日" in texts
    assert any(t.startswith("一、高度重视岁末年初消防安全防范工作。") for t in texts)
    # Chinese quotation marks survive extraction.
    assert any("“人民至上、生命至上”" in t for t in texts)


def test_real_notice_marks_indented_lines_as_paragraph_starts():
    texts = [b.text for b in read_pdf(SHANDONG.read_bytes()).blocks if isinstance(b, Paragraph)]
    starts = [t for t in texts if t.startswith("\u3000\u3000")]
    assert any(t.strip().startswith("二、强化重点领域消防安全攻坚整治") for t in starts)
    assert not any("关于切实做好消防安全防控工作的紧急通知" in t for t in starts)


def test_real_joint_signature_keeps_the_two_issuers_apart():
    texts = _texts(read_pdf(SHANDONG.read_bytes()).blocks)
    assert "山东省人民政府安全生产委员会 山东省人民政府消防安全委员会" in texts


def test_real_form_page_becomes_a_table():
    tables = [b for b in read_pdf(WITH_FORM.read_bytes()).blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert tables[0].rows[0][0] == "值班人员"
    assert all(len(row) == len(tables[0].rows[0]) for row in tables[0].rows)


def test_lines_set_in_a_heading_font_are_marked_as_headings():
    blocks = [b for b in read_pdf(WITH_FORM.read_bytes()).blocks if isinstance(b, Paragraph)]
    by_text = {b.text.strip(): b.heading for b in blocks}
    assert by_text["三、着力提升本质安全能力。"] is True
    assert by_text["置、紧急避险。"] is False


def test_sideways_text_in_the_margin_is_left_out():
    body = "".join(text(72, 760 - 20 * i, f"Body line number {i} of the notice.") for i in range(8))
    # "SEAL LINE" written bottom-to-top in the left margin, as on a bound document's 装订线.
    sideways = "BT /F1 10 Tf 0 1 -1 0 30 400 Tm (SEAL LINE) Tj ET\n"
    texts = _texts(read_pdf(make_pdf([body + sideways])).blocks)
    assert texts == [f"Body line number {i} of the notice." for i in range(8)]
