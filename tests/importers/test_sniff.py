import io
import struct
import zipfile

import docx
import openpyxl
import pytest

from importers import sniff
from importers.parse import NoticeImportError
from importers.sniff import check_zip_limits, ole_stream_names, sniff_format
from tests.importers.office_inputs import docx_bytes


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于做好2024年安全生产工作的通知")
    return docx_bytes(document)


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "序号"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _ole(stream_names: list[str]) -> bytes:
    """A minimal OLE2 compound file whose directory holds the given stream names."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HH", header, 0x18, 0x3E, 3)
    struct.pack_into("<H", header, 0x1C, 0xFFFE)
    struct.pack_into("<H", header, 0x1E, 9)
    struct.pack_into("<H", header, 0x20, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # one FAT sector
    struct.pack_into("<I", header, 0x30, 1)  # directory starts at sector 1
    struct.pack_into("<I", header, 0x3C, 0xFFFFFFFE)
    struct.pack_into("<I", header, 0x44, 0xFFFFFFFE)
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [0xFFFFFFFF] * 126
    fat_sector = struct.pack("<128I", *fat)
    directory = bytearray(sector)
    names = ["Root Entry", *stream_names][:4]
    for i, name in enumerate(names):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 0x40, len(encoded))
        entry[0x42] = 5 if i == 0 else 2
        directory[i * 128 : (i + 1) * 128] = entry
    return bytes(header) + fat_sector + bytes(directory)


def test_docx_is_recognised_by_its_word_document_member():
    assert sniff_format(_docx()) == "docx"


def test_docx_renamed_to_xlsx_is_still_docx():
    assert sniff_format(_docx(), "分工表.xlsx") == "docx"


def test_xlsx_is_recognised_by_its_workbook_member():
    assert sniff_format(_xlsx(), "台账.docx") == "xlsx"


def test_pdf_is_recognised_by_its_header():
    assert sniff_format(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a.txt") == "pdf"


def test_utf8_text_is_txt():
    text = "关于做好2024年安全生产工作的通知\n一、压实责任\n".encode()
    assert sniff_format(text, "notice") == "txt"


def test_gbk_text_is_txt():
    text = "关于做好2024年安全生产工作的通知\n（一）严格落实党政领导责任。\n".encode("gbk")
    assert sniff_format(text, "通知.txt") == "txt"


def test_html_page_is_html_even_named_doc():
    page = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>通知</p></body></html>"
    assert sniff_format(page.encode(), "通知.doc") == "html"


def test_html_in_gbk_with_meta_charset_is_html():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    page += "</head><body><p>各乡镇人民政府</p></body></html>"
    assert sniff_format(page.encode("gbk")) == "html"


def test_ole_with_word_document_stream_is_doc():
    assert sniff_format(_ole(["WordDocument", "1Table"]), "通知.doc") == "doc"


def test_ole_word_file_named_wps_is_wps():
    assert sniff_format(_ole(["WordDocument", "1Table"]), "通知.wps") == "wps"


def test_ole_with_workbook_stream_is_xls():
    assert sniff_format(_ole(["Workbook"]), "台账.doc") == "xls"


def test_ole_stream_names_reads_the_directory():
    assert ole_stream_names(_ole(["WordDocument", "1Table"]))[1:] == ["WordDocument", "1Table"]


def test_encrypted_office_file_asks_for_the_password_to_be_removed():
    with pytest.raises(NoticeImportError, match="密码"):
        sniff_format(_ole(["EncryptionInfo", "EncryptedPackage"]), "通知.docx")


def test_rtf_saved_as_doc_goes_to_the_word_converter():
    assert sniff_format(b"{\\rtf1\\ansi\\ansicpg936 hello}", "通知.doc") == "doc"


def test_empty_file_is_refused_as_empty():
    with pytest.raises(NoticeImportError, match="空"):
        sniff_format(b"", "通知.docx")


def test_whitespace_only_file_is_refused_as_empty():
    with pytest.raises(NoticeImportError, match="空"):
        sniff_format(b"  \r\n\t ", "通知.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40,
        b"GIF89a" + b"\x00" * 40,
        b"II*\x00" + b"\x00" * 40,
        b"BM" + struct.pack("<I", 60) + b"\x00\x00\x00\x00" + struct.pack("<I", 54) + b"\x00" * 46,
    ],
    ids=["png", "jpeg", "gif", "tiff", "bmp"],
)
def test_image_is_refused_with_a_message_saying_it_is_a_picture(data):
    with pytest.raises(NoticeImportError, match="这是一张图片") as info:
        sniff_format(data, "通知.docx")
    assert "Word" in info.value.message


def test_zip_that_is_neither_word_nor_excel_says_to_unzip():
    with pytest.raises(NoticeImportError, match="解压"):
        sniff_format(_zip({"通知/说明.txt": "内容".encode()}), "材料.zip")


def test_truncated_docx_is_reported_as_damaged():
    data = _docx()
    with pytest.raises(NoticeImportError, match="损坏"):
        sniff_format(data[: len(data) // 2], "通知.docx")


def test_random_binary_is_refused_as_unrecognised():
    junk = bytes((i * 197 + 13) % 256 for i in range(4000))
    with pytest.raises(NoticeImportError, match="无法识别"):
        sniff_format(junk, "通知.docx")


def test_executable_is_refused():
    with pytest.raises(NoticeImportError, match="可执行程序"):
        sniff_format(b"MZ\x90\x00" + b"\x00" * 100, "通知.doc")


def test_ofd_file_asks_for_the_word_original_or_a_pdf():
    with pytest.raises(NoticeImportError, match="OFD") as info:
        sniff_format(_zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"}), "通知.ofd")
    assert "PDF" in info.value.message


def test_powerpoint_is_refused_as_a_presentation():
    with pytest.raises(NoticeImportError, match="PowerPoint"):
        sniff_format(_zip({"ppt/presentation.xml": b"<p/>"}), "a.pptx")


def test_zip_bomb_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(sniff, "ZIP_MAX_TOTAL", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\x00" * (3 * 1024 * 1024))
    with pytest.raises(NoticeImportError, match="压缩炸弹"):
        check_zip_limits(buffer.getvalue())


def test_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(sniff, "ZIP_MAX_MEMBERS", 50)
    members = {f"word/media/{i}.xml": b"" for i in range(51)}
    with pytest.raises(NoticeImportError, match="部件过多"):
        check_zip_limits(_zip(members))


def test_normal_docx_passes_the_zip_limits():
    check_zip_limits(_docx())


def test_highly_compressed_member_is_refused_by_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\x00" * (50 * 1024 * 1024))
    with pytest.raises(NoticeImportError, match="压缩炸弹"):
        check_zip_limits(buffer.getvalue())


def test_word_2003_xml_saved_as_doc_goes_to_the_word_converter():
    data = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<?mso-application progid="Word.Document"?>\n'
        b'<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"/>'
    )
    assert sniff_format(data, "通知.doc") == "doc"


def test_html_page_naming_the_spreadsheet_namespace_is_still_html():
    page = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:spreadsheet"><head><meta charset="utf-8">'
        "</head><body><table><tr><td>序号</td><td>任务</td></tr></table></body></html>"
    )
    assert sniff_format(page.encode(), "台账.xls") == "html"
