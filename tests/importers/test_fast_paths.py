"""The shortcuts the importer takes for speed give the answers of the plain computations they
stand for: each reference below is the code as it was before the shortcut, run on the seed
notices' text and on generated text full of the characters the shortcut looks for."""

import datetime as dt
import re
import unicodedata

from bs4 import BeautifulSoup, NavigableString, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import build, lines, meta, prose, schedule, textutil, units
from importers.api import read_document
from importers.parse import Directory, DirectoryGroup, DirectoryUnit, UnitRef
from importers.readers import html, html_body
from importers.readers.common import clean_text
from importers.sniff import decode_text
from tests.importers.office_inputs import FIXTURES

SEED_LINES = [
    line
    for path in sorted(FIXTURES.glob("*.txt"))
    for line in (decode_text(path.read_bytes()) or "").splitlines()
    if line.strip()
]
SEED_HTML = (FIXTURES / "004_notice.html").read_bytes()

# Characters the shortcuts test for, among ordinary text.
_TRICKY = (
    "“‘《（(【「『〔[”’》）)】」』〕]。！？!?；;：:…，,、"
    "一二三四五六七八九十百〇零0123456789０１２３４５６７８９"
    "年月日底内末前上半每按周季度两次"
    "-—－–_|> \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\n\x0b"
    "当前位置字体大小打印本页关闭首页图文解读政府第页共印发特此附件抄送此件"
    "索引号发文字号标题名称成文日期主题分类信息来源"
    "安全生产工作县应急局牵头配合各乡镇abcW𠀀😀"
)
tricky_text = st.text(alphabet=st.sampled_from(_TRICKY), max_size=60)
texts = st.one_of(tricky_text, st.sampled_from(SEED_LINES))


# --- textutil -----------------------------------------------------------------------------------


def _width_reference(text, limit=None):
    total = 0
    for ch in text:
        if ch.isspace():
            continue
        total += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if limit is not None and total > limit:
            break
    return total


@settings(max_examples=400)
@given(texts, st.sampled_from([None, 4, 20, 150]))
def test_width_is_exact_up_to_the_limit_and_above_it_past_it(text, limit):
    expected = _width_reference(text, limit)
    if limit is None or expected <= limit:
        assert textutil.width(text, limit) == expected
    else:
        assert textutil.width(text, limit) > limit


def test_width_of_long_seed_lines_with_and_without_a_limit():
    for line in SEED_LINES:
        assert textutil.width(line) == _width_reference(line)
        assert (textutil.width(line, 150) > 150) == (_width_reference(line, 150) > 150)


@settings(max_examples=400)
@given(texts)
def test_text_line_is_clean_line_unless_the_line_is_furniture(text):
    expected = None if textutil.is_furniture_line(text) else textutil.clean_line(text)
    assert textutil.text_line(text) == expected


def test_text_line_drops_chrome_that_follows_a_dash():
    assert textutil.text_line("2024-01-01 当前位置：首页") is None
    assert textutil.text_line("- 16 -") is None
    assert textutil.text_line("安全生产 - 16 -") == "安全生产"


def _cn_to_int_reference(numeral):
    s = numeral.strip()
    if s.isdigit():
        return int(s)
    if not s or any(ch not in textutil._CN_DIGITS and ch not in "十百" for ch in s):
        return None
    return textutil.cn_to_int(s)


@given(st.text(alphabet=st.sampled_from("一二三四五六七八九十百零〇两0１ x"), max_size=4))
def test_cn_to_int_rejects_what_it_rejected(numeral):
    assert textutil.cn_to_int(numeral) == _cn_to_int_reference(numeral)


# --- lines --------------------------------------------------------------------------------------


def _marker_level_reference(text):
    for level, pattern in ((1, lines.CHAPTER), (2, lines.ITEM), (3, lines.SUB), (4, lines.SUBSUB)):
        if pattern.match(text):
            return level
    return 0


@settings(max_examples=400)
@given(texts)
def test_marker_level_is_the_first_of_the_four_patterns_that_matches(text):
    assert lines.marker_level(text) == _marker_level_reference(text)
    m = lines.MARKER.match(text)
    level = _marker_level_reference(text)
    if level:
        alone = (lines.CHAPTER, lines.ITEM, lines.SUB, lines.SUBSUB)[level - 1].match(text)
        assert (m.lastindex, m.end(), m.group(m.lastindex)) == (level, alone.end(), alone.group(1))


@settings(max_examples=400)
@given(texts)
def test_is_terminal_reads_the_terminal_pattern_from_the_end(text):
    s = text.rstrip()
    expected = bool(lines._TERMINAL.search(s)) or bool(
        s.endswith(("）", ")")) and units.trailing_unit_list(s)
    )
    assert lines.is_terminal(text) == expected


def _detect_wrap_reference(text_lines):
    widths = sorted(w for w in (_width_reference(s, 150) for s in text_lines) if w >= 16)
    if len(widths) < 12:
        return None
    full = widths[int(len(widths) * 0.75)]
    if full > 140:
        return None
    near = sum(1 for w in widths if full - 6 <= w <= full + 4)
    return full if near >= len(widths) * 0.5 else None


@settings(max_examples=200)
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text("安 ", max_size=170)), max_size=40))
def test_detect_wrap_gives_up_early_only_when_it_would_have_given_up(text_lines):
    wrap = lines.detect_wrap(text_lines)
    assert (wrap.full if wrap else None) == _detect_wrap_reference(text_lines)


def test_detect_wrap_still_finds_hard_wrapped_text():
    wrapped = ["安全生产" * 9 + "。"] * 20 + ["安全生产" * 50] * 3
    assert lines.detect_wrap(wrapped) is not None


# --- prose --------------------------------------------------------------------------------------

_OPEN = "“‘《（(【「『〔["
_CLOSE = "”’》）)】」』〕]"
_ENDERS = "。！？!?"


def _split_reference(text):
    def balanced():
        depth = 0
        for ch in text:
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth -= 1
                if depth < 0:
                    return False
        return depth == 0

    out, depth, start, ok = [], 0, 0, balanced()
    for i, ch in enumerate(text):
        if ok and ch in _OPEN:
            depth += 1
        elif ok and ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _ENDERS and depth == 0:
            out.append(text[start : i + 1])
            start = i + 1
    if text[start:].strip():
        out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def _heading_reference(text):
    sentences = _split_reference(text)
    if not sentences:
        return None, ""
    first = sentences[0]
    bare = first.rstrip("。！？!?").strip()
    if bare and len(bare) <= 40 and not re.search(r"[，,；;]", bare):
        return bare, text[text.index(first) + len(first) :].strip()
    return None, text


@settings(max_examples=500)
@given(texts)
def test_sentences_split_as_they_did(text):
    assert prose.split_sentences(text) == _split_reference(text)
    assert prose.heading_sentence(text) == _heading_reference(text)


@settings(max_examples=500)
@given(texts)
def test_sentences_handed_on_after_a_heading_are_those_of_the_rest(text):
    heading, rest, sentences = prose._heading_split(text)
    if sentences is not None:
        assert sentences == _split_reference(rest if heading is not None else text)


def test_seed_paragraphs_split_as_they_did():
    for line in SEED_LINES:
        assert prose.split_sentences(line) == _split_reference(line)
        heading, rest, sentences = prose._heading_split(line)
        assert (heading, rest) == _heading_reference(line)
        if sentences is not None:
            assert sentences == _split_reference(rest if heading is not None else line)


# --- schedule -----------------------------------------------------------------------------------


def _recurrence_reference(text):
    for kind, pattern in schedule._RECURRENCE:
        if pattern.search(text):
            return kind
    return None


def _deadline_reference(text, year):
    found = []
    for sentence in re.split(r"(?<=[。！？!?])", text):
        opening = schedule._OPENING_TARGET.match(sentence)
        if opening and re.search(r"达到|达|实现|完成|建成|降低|下降|控制在", sentence):
            found.append(dt.date(int(opening.group(1)), 12, 31))
            continue
        for clause in schedule._CLAUSE.findall(sentence):
            if schedule._CITING.search(clause.strip()) or (
                "部署要求" in sentence and "根据" in clause
            ):
                continue
            for pattern, handler, _ in schedule._DEADLINES:
                m = pattern.search(clause)
                if m and handler(m, year):
                    found.append(handler(m, year))
                    break
    return min(found) if found else None


@settings(max_examples=500)
@given(texts)
def test_schedule_words_found_as_before(text):
    assert schedule.recurrence_of(text) == _recurrence_reference(text)
    assert schedule.deadline_of(text, 2024) == _deadline_reference(text, 2024)


def test_every_deadline_pattern_holds_the_word_it_is_guarded_by():
    for pattern, _, word in schedule._DEADLINES:
        assert word in pattern.pattern


# --- units, build, meta -------------------------------------------------------------------------


def _trailing_reference(text):
    m = units._CLOSING_PAREN.search(text)
    if not m:
        return None
    inner = m.group(1)
    parts = [p for p in re.split(r"[、，,；;]+", inner) if p.strip()]
    found = units.split_units(inner)
    if not parts or not found or len(found) < max(1, (len(parts) + 1) // 2):
        return None
    return text[: m.start()].rstrip(), [(u.name, u.role) for u in found]


@settings(max_examples=400)
@given(
    st.one_of(
        texts,
        st.builds(
            lambda a, b, c: a + "（" + b + "）" + c,
            tricky_text,
            st.sampled_from(["县应急局、县公安局", "县林业局牵头，各乡镇配合", "试行"]),
            st.sampled_from(["", "。", " ；", "。 \n", "）", "x"]),
        ),
    )
)
def test_trailing_unit_list_only_skips_text_that_cannot_end_in_one(text):
    found = units.trailing_unit_list(text)
    expected = _trailing_reference(text)
    assert (found and (found[0], [(u.name, u.role) for u in found[1]])) == (expected or None)


@settings(max_examples=400)
@given(texts)
def test_body_end_is_tried_only_where_it_can_match(text):
    assert build._ends_body(text) == bool(build._BODY_END.match(text))


@settings(max_examples=300)
@given(texts)
def test_dates_in_chinese_numerals_are_converted_as_before(text):
    def repl(m):
        year = m.group(1).translate(meta._CN_YEAR_DIGITS)
        return f"{year}年{textutil.cn_to_int(m.group(2))}月{textutil.cn_to_int(m.group(3))}日"

    assert meta._digits_date(text) == meta._CN_DATE.sub(repl, text)
    assert meta._digits_date("二〇二四年三月五日") == "2024年3月5日"


def test_the_unit_directory_is_indexed_once_per_parse(monkeypatch):
    built = []
    original = units.UnitIndex.__init__

    def counting(self, directory):
        built.append(directory)
        original(self, directory)

    monkeypatch.setattr(units.UnitIndex, "__init__", counting)
    directory = Directory(
        units=[DirectoryUnit(id=1, name="县应急局", aliases=["应急局"])],
        groups=[DirectoryGroup(id=9, name="各乡镇", member_ids=[5, 6])],
    )
    document = read_document((FIXTURES / "000_division_table.xlsx").read_bytes(), "x.xlsx")
    parse = build.build_notice(document, directory=directory)
    assert len(built) == 1
    assert any(u.unit_id == 1 for t in parse.tasks for m in t.measures for u in m.units)


def test_a_shared_index_resolves_like_resolve_units():
    directory = Directory(
        units=[DirectoryUnit(id=1, name="县应急局"), DirectoryUnit(id=2, name="县公安局")],
        groups=[DirectoryGroup(id=9, name="各乡镇", aliases=["乡镇"], member_ids=[5, 6])],
    )
    names = ["应急局", "县公安局", "各乡镇", "各有关部门", "县新设局", "乡镇"]
    alone = [UnitRef(name=n) for n in names]
    shared = [UnitRef(name=n) for n in names]
    for ref in alone:
        units.resolve_units([ref], directory)
    index = units.UnitIndex(directory)
    for ref in shared:
        index.resolve([ref])
    assert alone == shared


# --- the HTML reader ----------------------------------------------------------------------------


@settings(max_examples=400)
@given(texts)
def test_space_helpers_are_the_regexes_they_replace(text):
    assert html_body.solid_length(text) == len(html_body.SPACES.sub("", text))
    assert html_body.spaced_text(text) == clean_text(html_body.SPACES.sub(" ", text))


def test_the_space_test_knows_exactly_the_characters_of_the_space_pattern():
    for code in range(0x3100):
        ch = chr(code)
        expected = bool(html_body.SPACES.search(ch))
        assert html_body._inner_space("a" + ch + "b") == expected, hex(code)


def _soup_tags(markup=SEED_HTML):
    soup = BeautifulSoup(markup, "lxml")
    return soup, [t for t in soup.descendants if type(t) is Tag]


def test_get_text_shortcut_reads_the_same_strings():
    markup = SEED_HTML + "<p>a<ruby>安<rt>an</rt></ruby><![CDATA[x]]><!-- c --></p>".encode()
    _, tags = _soup_tags(markup)
    for tag in tags:
        assert html_body.get_text(tag) == tag.get_text()
        assert html_body.get_text(tag, " ") == tag.get_text(" ")


def test_text_lengths_counted_once_match_get_text():
    markup = SEED_HTML.replace(
        b"</body>",
        "<div><p>链接<a href='#'>甲<a>乙</a></a><ruby>安<rt>an</rt></ruby></p>正文 文字</div></body>".encode(),
    )
    soup, tags = _soup_tags(markup)
    lengths = html_body.TextLengths([t for t in soup.body.descendants if type(t) is Tag])
    for tag in tags:
        text = len(html_body.SPACES.sub("", tag.get_text()))
        links = sum(
            len(html_body.SPACES.sub("", d.get_text()))
            for d in tag.descendants
            if type(d) is Tag and d.name == "a"
        )
        assert lengths.text(tag) == text
        assert lengths.links(tag) == links
        assert lengths.plain(tag) == text - links
        if tag.name in html_body._OWN_TEXT_HOLDERS:
            assert lengths.own_text(tag) == html_body.solid_length(html_body.own_strings(tag))


def test_strings_with_a_label_are_those_a_search_finds():
    soup, _ = _soup_tags()
    strings = [s for s in soup.descendants if isinstance(s, NavigableString)]
    expected = [s for s in strings if html._ANY_LABEL.search(s)]
    assert expected
    assert html._strings_with_label(strings) == expected


def test_the_reader_never_looks_a_tag_up_by_attribute(monkeypatch):
    # ``soup.title``, ``tag.decomposed`` and the like search the tree on every use.
    lookups = []
    original = Tag.__getattr__

    def counting(self, name):
        lookups.append(name)
        return original(self, name)

    monkeypatch.setattr(Tag, "__getattr__", counting)
    document = html.read_html(SEED_HTML)
    assert document.blocks
    assert lookups == []
