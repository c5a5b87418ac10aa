import os
import shutil
import stat
import subprocess
import time

import docx
import pytest

from importers.parse import NoticeImportError
from importers.readers import legacy
from importers.readers.legacy import NO_OFFICE_MESSAGE, convert_to_docx, read_legacy_word
from tests.importers.office_inputs import docx_bytes

# CI installs LibreOffice (.ci/run), so there a missing soffice fails the conversion tests
# instead of skipping them; on a developer's machine without it they skip and say why.
HAS_SOFFICE = shutil.which("soffice") is not None or os.environ.get("CI") == "true"


def test_without_libreoffice_the_message_says_to_save_as_docx(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(NoticeImportError) as info:
        read_legacy_word(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "doc")
    assert info.value.message == NO_OFFICE_MESSAGE
    assert "另存为 .docx" in info.value.message


def _fake_soffice(tmp_path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_conversion_that_hangs_is_killed_after_the_timeout(monkeypatch, tmp_path):
    monkeypatch.setattr(legacy, "find_soffice", lambda: _fake_soffice(tmp_path, "sleep 30\n"))
    started = time.monotonic()
    with pytest.raises(NoticeImportError, match="超时"):
        convert_to_docx(b"data", "wps", timeout=0.5)
    assert time.monotonic() - started < 10


def test_a_conversion_that_produces_nothing_is_reported_as_damaged(monkeypatch, tmp_path):
    monkeypatch.setattr(legacy, "find_soffice", lambda: _fake_soffice(tmp_path, "exit 0\n"))
    with pytest.raises(NoticeImportError, match="无法转换"):
        convert_to_docx(b"data", "doc")


@pytest.mark.skipif(
    not HAS_SOFFICE,
    reason="未安装 LibreOffice（apt-get install libreoffice-writer-nogui）：跳过 .doc/.wps 转换测试",
)
def test_doc_saved_by_word_97_is_converted_and_read(tmp_path):
    document = docx.Document()
    document.add_paragraph("关于做好2024年安全生产工作的通知")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "任务"
    table.cell(1, 0).text, table.cell(1, 1).text = "1", "压实责任"
    # Word always ends a document with a paragraph; LibreOffice drops a table that ends one.
    document.add_paragraph("某县人民政府")
    source = tmp_path / "notice.docx"
    source.write_bytes(docx_bytes(document))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "notice.doc").read_bytes()
    result = read_legacy_word(data, "wps")
    assert result.source_format == "wps"
    assert result.blocks[0].text == "关于做好2024年安全生产工作的通知"
    assert result.blocks[1].rows == [["序号", "任务"], ["1", "压实责任"]]


@pytest.mark.skipif(
    not HAS_SOFFICE,
    reason="未安装 LibreOffice（apt-get install libreoffice-writer-nogui）：跳过 .doc/.wps 转换测试",
)
def test_rtf_saved_with_a_doc_name_is_read():
    rtf = (
        b"{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 "
        + "".join(f"\\u{ord(ch)}?" for ch in "一、压实安全生产责任").encode()
        + b"\\par}"
    )
    result = read_legacy_word(rtf, "doc")
    assert [b.text for b in result.blocks] == ["一、压实安全生产责任"]


@pytest.mark.skipif(
    not HAS_SOFFICE,
    reason="未安装 LibreOffice（apt-get install libreoffice-writer-nogui）：跳过 .doc/.wps 转换测试",
)
def test_doc_that_is_not_a_document_is_refused_in_chinese():
    with pytest.raises(NoticeImportError, match=r"损坏|无法转换"):
        read_legacy_word(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, "doc")
