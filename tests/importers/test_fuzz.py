"""Damaged, truncated and random input: only ``NoticeImportError`` may come out of parse_file."""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from unittest import mock

import docx
import openpyxl
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.api import parse_file
from importers.parse import NoticeImportError, NoticeParse
from tests.importers.office_inputs import (
    FIXTURES,
    SPREADSHEET_ML,
    docx_bytes,
    replace_zip_member,
)
from tests.importers.pdf_inputs import make_pdf, rect, text

FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NAMES = [
    "通知.docx",
    "台账.xlsx",
    "台账.xls",
    "通知.doc",
    "通知.wps",
    "通知.pdf",
    "通知.html",
    "通知.txt",
    "",
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")

NOTICE_TEXT = (
    "某县人民政府关于做好2024年安全生产工作的通知\n各乡镇人民政府：\n一、压实安全生产责任\n"
    "（一）压实党政领导责任。县安委会每季度召开一次全体会议。\n某县人民政府\n2024年2月18日\n"
)


@cache
def _docx() -> bytes:
    document = docx.Document()
    for line in NOTICE_TEXT.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(
        [
            ("序号", "任务", "主要内容", "责任单位"),
            ("1", "压实责任", "每月开会。", "县应急局"),
            ("", "", "每季度检查。", "各乡镇"),
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for c in (0, 1):
        for r, val in ((1, "restart"), (2, None)):
            el = parse_xml(f"<w:vMerge {nsdecls('w')}/>")
            if val:
                el.set(qn("w:val"), val)
            table.cell(r, c)._tc.get_or_add_tcPr().append(el)
    return docx_bytes(document)


@cache
def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "某县2024年安全生产工作重点任务分工"
    sheet.merge_cells("A1:D1")
    sheet.append(["序号", "任务", "主要内容", "责任单位"])
    sheet.append([1, "压实责任", "每月开会。", "县应急局"])
    sheet.append([None, None, "每季度检查。", "各乡镇"])
    sheet.merge_cells("A3:A4")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@cache
def _pdf() -> bytes:
    content = text(72, 760, "Notice on work safety in 2024") + text(
        72, 740, "1. Inspect mines monthly."
    )
    for r in range(2):
        for c in range(2):
            content += rect(72 + c * 150, 700 - (r + 1) * 30, 150, 30)
            content += text(80 + c * 150, 700 - (r + 1) * 30 + 10, f"cell {r}{c}")
    content += text(280, 40, "- 1 -")
    return make_pdf([content, content])


@cache
def _html() -> bytes:
    body = "".join(f"<p>{line}</p>" for line in NOTICE_TEXT.splitlines())
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知</title></head><body>"
        "<div class='crumb'>当前位置：首页</div><table><tr><th>索引号</th><td>001</td>"
        "<th>发文字号</th><td>某政发〔2024〕1号</td></tr></table>"
        f"<div id='zoom'>{body}<table><tr><td rowspan='2'>1</td><td>甲</td></tr><tr><td>乙</td></tr></table></div>"
        "</body></html>"
    )
    return page.encode()


def _valid_inputs() -> list[tuple[bytes, str]]:
    return [
        (_docx(), "通知.docx"),
        (_xlsx(), "台账.xlsx"),
        ((FIXTURES / "ledger.xls").read_bytes(), "台账.xls"),
        (_pdf(), "通知.pdf"),
        (_html(), "通知.html"),
        (NOTICE_TEXT.encode(), "通知.txt"),
        (NOTICE_TEXT.encode("gbk"), "通知.txt"),
        (SPREADSHEET_ML.encode(), "分工表.xls"),
    ]


def _only_notice_import_errors(data: bytes, filename: str) -> None:
    # No LibreOffice round trips here: each would take a second; test_legacy covers them.
    with mock.patch("importers.readers.legacy.find_soffice", return_value=None):
        try:
            result = parse_file(data, filename)
        except NoticeImportError as exc:
            assert CHINESE.search(exc.message), exc.message
        else:
            assert isinstance(result, NoticeParse)


def test_valid_inputs_of_every_format_parse():
    for data, name in _valid_inputs():
        assert isinstance(parse_file(data, name), NoticeParse), name


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_give_a_parse_or_a_notice_import_error(data, name):
    _only_notice_import_errors(data, name)


MAGICS = [
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"%PDF-1.4\n",
    b"<html><body>",
    b"{\\rtf1",
    b"\xef\xbb\xbf",
    b"\x89PNG\r\n\x1a\n",
]


@FUZZ
@given(magic=st.sampled_from(MAGICS), tail=st.binary(max_size=2048), name=st.sampled_from(NAMES))
def test_random_bytes_behind_a_format_signature_give_a_notice_import_error(magic, tail, name):
    _only_notice_import_errors(magic + tail, name)


@FUZZ
@given(which=st.integers(0, 7), cut=st.floats(0, 1))
def test_truncated_files_give_a_parse_or_a_notice_import_error(which, cut):
    data, name = _valid_inputs()[which]
    _only_notice_import_errors(data[: int(len(data) * cut)], name)


@FUZZ
@given(
    which=st.integers(0, 7),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=12),
)
def test_files_with_flipped_bytes_give_a_parse_or_a_notice_import_error(which, flips):
    data, name = _valid_inputs()[which]
    mutated = bytearray(data)
    for where, value in flips:
        mutated[min(int(len(mutated) * where), len(mutated) - 1)] = value
    _only_notice_import_errors(bytes(mutated), name)


def _mutate_text(xml: bytes, cuts: list[tuple[float, float, bytes]]) -> bytes:
    out = bytearray(xml)
    for start, length, insert in cuts:
        a = int(len(out) * start)
        b = min(len(out), a + int(len(out) * length * 0.05))
        out[a:b] = insert
    return bytes(out)


INSERTS = st.sampled_from(
    [
        b"",
        b"<",
        b"</w:tc>",
        b"<w:tc><w:tcPr><w:gridSpan w:val='99999'/><w:vMerge/></w:tcPr></w:tc>",
        b"<w:numPr><w:ilvl w:val='-1'/><w:numId w:val='7'/></w:numPr>",
        b"<mergeCell ref='A1:XFD1048576'/>",
        b"<c r='ZZZ0' t='s'><v>99999</v></c>",
        b"&#0;",
        b"\xff\xfe",
        b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    ]
)


@FUZZ
@given(
    which=st.sampled_from([("docx", "word/document.xml"), ("xlsx", "xl/worksheets/sheet1.xml")]),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), INSERTS), min_size=1, max_size=6),
)
def test_office_files_with_damaged_xml_give_a_parse_or_a_notice_import_error(which, cuts):
    kind, member = which
    data = _docx() if kind == "docx" else _xlsx()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(member)
    mutated = replace_zip_member(data, member, _mutate_text(xml, cuts))
    _only_notice_import_errors(mutated, f"文件.{kind}")


@FUZZ
@given(
    cuts=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from(
                [
                    b"",
                    b"<table>",
                    b"</p></div>",
                    b"<td rowspan='100000' colspan='-3'>",
                    b"\x00",
                    b"<br>",
                ]
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_html_with_damaged_markup_gives_a_parse_or_a_notice_import_error(cuts):
    _only_notice_import_errors(_mutate_text(_html(), cuts), "通知.html")


@FUZZ
@given(
    cuts=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.floats(0, 1),
            st.sampled_from(
                [b"", b"obj", b"endstream", b"<< /Length 999999 >>", b"re S", b"(", b"9999 0 R"]
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_pdf_with_damaged_objects_gives_a_parse_or_a_notice_import_error(cuts):
    _only_notice_import_errors(_mutate_text(_pdf(), cuts), "通知.pdf")


def _readers():  # type: ignore[no-untyped-def]
    from importers.readers.docx import read_docx
    from importers.readers.html import read_html
    from importers.readers.pdf import read_pdf
    from importers.readers.xls import read_xls
    from importers.readers.xlsx import read_xlsx

    return [read_docx, read_xlsx, read_xls, read_pdf, read_html, read_xls]


@FUZZ
@given(
    which=st.integers(0, 5),
    cut=st.floats(0.05, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
)
def test_each_reader_on_its_own_raises_nothing_but_notice_import_error(which, cut, flips):
    # Without parse_file's safety net: each reader must turn its library's errors into
    # NoticeImportError itself.
    data, _ = _valid_inputs()[[0, 1, 2, 3, 4, 7][which]]
    mutated = bytearray(data[: max(1, int(len(data) * cut))])
    for where, value in flips:
        mutated[min(int(len(mutated) * where), len(mutated) - 1)] = value
    reader = _readers()[which]
    try:
        document = reader(bytes(mutated))
    except NoticeImportError as exc:
        assert CHINESE.search(exc.message), exc.message
    else:
        assert document.source_format
