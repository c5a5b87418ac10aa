import io
import os
import time
import zipfile

import docx
import pytest

from importers import api
from importers.api import parse_file, parse_file_limited
from importers.parse import NoticeImportError, NoticeParse
from tests.importers.office_inputs import docx_bytes

NOTICE = (
    "某县人民政府关于做好2024年安全生产工作的通知\n"
    "各乡镇人民政府，县直各有关单位：\n"
    "一、压实安全生产责任\n"
    "（一）压实党政领导责任。县安委会每季度召开一次全体会议，分析安全形势。\n"
    "某县人民政府\n"
    "2024年2月18日\n"
).encode()


def test_limited_parse_returns_what_the_in_process_parse_returns():
    limited = parse_file_limited(NOTICE, "通知.txt", timeout=30)
    assert isinstance(limited, NoticeParse)
    assert limited.to_json() == parse_file(NOTICE, "通知.txt").to_json()


def test_limited_parse_of_a_docx_works_across_the_process_boundary():
    document = docx.Document()
    for line in NOTICE.decode().splitlines():
        document.add_paragraph(line)
    result = parse_file_limited(docx_bytes(document), "通知.docx", timeout=30)
    assert result.source_format == "docx"
    assert result.to_json()["tasks"]


def test_parse_that_runs_too_long_is_killed_and_reported_in_chinese(monkeypatch):
    def never_ends(*args, **kwargs):
        time.sleep(60)

    monkeypatch.setattr(api, "parse_file", never_ends)
    started = time.monotonic()
    with pytest.raises(NoticeImportError, match="解析超时"):
        parse_file_limited(NOTICE, "通知.txt", timeout=0.5)
    assert time.monotonic() - started < 10


def test_notice_import_error_in_the_child_comes_back_with_its_message(monkeypatch):
    def refuses(*args, **kwargs):
        raise NoticeImportError("这是一张图片，请上传通知的 Word 文件。")

    monkeypatch.setattr(api, "parse_file", refuses)
    with pytest.raises(NoticeImportError) as info:
        parse_file_limited(NOTICE, "通知.txt", timeout=30)
    assert info.value.message == "这是一张图片，请上传通知的 Word 文件。"


def test_any_other_exception_in_the_child_becomes_a_chinese_notice_import_error(monkeypatch):
    def crashes(*args, **kwargs):
        raise KeyError("w:body")

    monkeypatch.setattr(api, "parse_file", crashes)
    with pytest.raises(NoticeImportError, match="文件已损坏或格式异常，无法解析"):
        parse_file_limited(NOTICE, "通知.txt", timeout=30)


def test_child_that_dies_without_answering_is_reported(monkeypatch):
    monkeypatch.setattr(api, "parse_file", lambda *a, **k: os._exit(3))
    with pytest.raises(NoticeImportError, match="意外退出"):
        parse_file_limited(NOTICE, "通知.txt", timeout=30)


def test_in_process_parse_turns_a_builder_crash_into_a_notice_import_error(monkeypatch):
    def broken_builder(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(api, "build_notice", broken_builder)
    with pytest.raises(NoticeImportError, match="文件已损坏或格式异常，无法解析"):
        parse_file(NOTICE, "通知.txt")


def test_zip_bomb_disguised_as_docx_is_refused_before_parsing(monkeypatch):
    from importers import sniff

    monkeypatch.setattr(sniff, "ZIP_MAX_TOTAL", 2 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("word/document.xml", b" " * (5 * 1024 * 1024))
    with pytest.raises(NoticeImportError, match="压缩炸弹"):
        parse_file(buffer.getvalue(), "通知.docx")


def test_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(api, "MAX_FILE_SIZE", 100)
    with pytest.raises(NoticeImportError, match="文件过大"):
        parse_file(NOTICE * 10, "通知.txt")


def test_child_memory_is_capped(monkeypatch):
    def hungry(*args, **kwargs):
        block = bytearray(600 * 1024 * 1024)
        return len(block)

    monkeypatch.setattr(api, "parse_file", hungry)
    with pytest.raises(NoticeImportError, match="文件已损坏或格式异常"):
        parse_file_limited(NOTICE, "通知.txt", timeout=30, memory_limit_mb=400)
