"""Decide a file's format from its bytes; the file name only breaks ties.

Offices rename files freely (a Word "web page" saved as .doc, a .txt exported as .doc, an .xls
that is really HTML), so the extension is the last thing to trust.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile

from importers.parse import NoticeImportError

FORMATS = ("docx", "xlsx", "xls", "doc", "wps", "pdf", "html", "txt")

UPLOAD_HINT = "请上传通知的 Word（.docx/.doc/.wps）、Excel（.xlsx/.xls）、PDF、网页或文本文件。"

# Limits for zip containers (docx/xlsx), checked before any reader opens them: a zip bomb
# declares its members' sizes, and zipfile never inflates a member past its declared size.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL = 300 * 1024 * 1024
ZIP_MAX_RATIO = 1000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)

_ARCHIVES = (
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(rb"<(?:html|body|div|p|table|br|span|h[1-6])\b[^>]*>", re.IGNORECASE)
_WORD_XML = re.compile(
    rb"<\?mso-application\s+progid=\"Word\.Document\"|<w:wordDocument\b|<pkg:package\b"
)
_EXCEL_XML = re.compile(
    rb"<\?mso-application\s+progid=\"Excel\.Sheet\"|urn:schemas-microsoft-com:office:spreadsheet"
)
_MHT_START = re.compile(rb"^\s*(?:[\w-]+:[^\r\n]*\r?\n)*MIME-Version:", re.IGNORECASE)


def _ext(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _damaged(what: str) -> NoticeImportError:
    return NoticeImportError(
        f"文件已损坏或格式异常，无法解析：{what}。请在 Word/WPS/Excel 中打开确认无误后重新保存再上传。"
    )


def sniff_format(data: bytes, filename: str = "") -> str:
    """One of ``FORMATS``, or ``NoticeImportError`` saying what the file is and what to do."""
    ext = _ext(filename)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise NoticeImportError("文件是空的（没有任何内容）。" + UPLOAD_HINT)
    head = data[:16]
    for magic, kind in _IMAGES:
        if head.startswith(magic):
            raise _image_error(kind)
    if head.startswith(b"BM") and len(data) > 26 and _is_bmp(data):
        raise _image_error("BMP")
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise _image_error("WebP")
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        raise _image_error("HEIC")
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, ext)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(data, ext)
    for magic, kind in _ARCHIVES:
        if head.startswith(magic):
            raise NoticeImportError(
                f"这是一个 {kind} 压缩包，不是通知文件。请解压后上传其中的通知文件。"
            )
    if head.startswith(b"{\\rtf"):
        # RTF saved under a .doc name is common; LibreOffice reads it like a .doc.
        return "wps" if ext == "wps" else "doc"
    if head.startswith((b"MZ", b"\x7fELF")):
        raise NoticeImportError("这是一个可执行程序，不是通知文件。" + UPLOAD_HINT)
    is_xml = data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(
        (b"<?xml", b"<Workbook", b"<ss:Workbook", b"<w:wordDocument", b"<pkg:package")
    )
    if is_xml and _EXCEL_XML.search(data[:4096]):
        # "XML Spreadsheet 2003", which office systems export under an .xls name.
        return "xls"
    if is_xml and _WORD_XML.search(data[:4096]):
        # Word 2003 XML or a flat OPC package, saved as .doc or .xml: LibreOffice reads both.
        return "wps" if ext == "wps" else "doc"
    text_kind = _sniff_text(data, ext)
    if text_kind:
        return text_kind
    raise NoticeImportError(
        "无法识别该文件的格式：它既不是 Word、Excel、PDF，也不是网页或文本文件。" + UPLOAD_HINT
    )


def _image_error(kind: str) -> NoticeImportError:
    return NoticeImportError(
        f"这是一张图片（{kind}），请上传通知的 Word、Excel、PDF 或文本文件；"
        "如果只有纸质件或扫描件，请先进行文字识别（OCR）后再上传。"
    )


def _is_bmp(data: bytes) -> bool:
    # "BM" alone also starts plain text; check the header's declared sizes.
    size = struct.unpack_from("<I", data, 2)[0]
    offset = struct.unpack_from("<I", data, 10)[0]
    return 26 <= offset < 4096 and (size == len(data) or size == 0 or abs(size - len(data)) < 16)


# --- zip containers ---------------------------------------------------------------------------


def _sniff_zip(data: bytes, ext: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise _damaged("压缩结构不完整（文件可能只上传了一部分）") from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise NoticeImportError(
            "这是 Excel 二进制工作簿（.xlsb），请在 Excel 中另存为 .xlsx 后上传。"
        )
    content_types = ""
    if "[Content_Types].xml" in names:
        try:
            content_types = zf.read("[Content_Types].xml")[:65536].decode("utf-8", "replace")
        except Exception:  # a damaged member is reported below like any other
            content_types = ""
    if "wordprocessingml.document.main" in content_types:
        return "docx"
    if "spreadsheetml.sheet.main" in content_types:
        return "xlsx"
    if "OFD.xml" in names or "ofd.xml" in names:
        raise NoticeImportError(
            "这是 OFD 版式文件，暂不支持直接读取。请上传通知的 Word 原件，"
            "或在 OFD 阅读器中导出为 PDF 后上传。"
        )
    if "ppt/presentation.xml" in names or "presentationml" in content_types:
        raise NoticeImportError("这是 PowerPoint 演示文稿，不是通知文件。" + UPLOAD_HINT)
    if "mimetype" in names:
        try:
            mimetype = zf.read("mimetype")[:100].decode("ascii", "replace")
        except Exception:
            mimetype = ""
        if "opendocument" in mimetype:
            raise NoticeImportError(
                "这是 OpenDocument 文件（.odt/.ods），请在 WPS 或 Word 中另存为 .docx 后上传。"
            )
    if ext in ("docx", "xlsx"):
        raise _damaged(f"这个 .{ext} 文件缺少正文部分")
    raise NoticeImportError(
        "这是一个 zip 压缩包，不是 Word 或 Excel 文件。请解压后上传其中的通知文件。"
    )


def check_zip_limits(data: bytes) -> None:
    """Refuse zip bombs before a reader inflates anything."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as exc:
        raise _damaged("压缩结构不完整（文件可能只上传了一部分）") from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise NoticeImportError(
            f"文件内部包含的部件过多（{len(infos)} 个），疑似恶意构造的压缩文件，已拒绝解析。"
        )
    total = sum(i.file_size for i in infos)
    if total > ZIP_MAX_TOTAL or total > max(len(data), 1) * ZIP_MAX_RATIO:
        raise NoticeImportError(
            f"文件解压后过大（约 {total // (1024 * 1024)} MB），疑似恶意构造的压缩文件（压缩炸弹），"
            "已拒绝解析。请上传正常保存的通知文件。"
        )


# --- OLE2 compound files (.doc, .xls, .wps, .et) ----------------------------------------------


def ole_stream_names(data: bytes) -> list[str]:
    """Names in an OLE2 directory; raises ValueError when the structure is broken."""
    if len(data) < 512 or not data.startswith(_OLE_MAGIC):
        raise ValueError("not OLE2")
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    size = 1 << shift
    n_fat = struct.unpack_from("<I", data, 0x2C)[0]
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    difat_start = struct.unpack_from("<I", data, 0x44)[0]
    n_difat = struct.unpack_from("<I", data, 0x48)[0]
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < 0xFFFFFFFA]
    seen = 0
    while difat_start < 0xFFFFFFFA and seen < n_difat:
        seen += 1
        off = (difat_start + 1) * size
        if off + size > len(data):
            break
        entries = struct.unpack_from(f"<{size // 4}I", data, off)
        fat_sectors.extend(s for s in entries[:-1] if s < 0xFFFFFFFA)
        difat_start = entries[-1]
    fat_sectors = fat_sectors[: max(n_fat, 1)]

    def sector(n: int) -> bytes:
        off = (n + 1) * size
        if off + size > len(data) + size:  # the last sector may be short
            raise ValueError("sector past end")
        return data[off : off + size]

    fat: list[int] = []
    for s in fat_sectors:
        chunk = sector(s)
        fat.extend(struct.unpack(f"<{len(chunk) // 4}I", chunk[: len(chunk) // 4 * 4]))
    names: list[str] = []
    current, hops = first_dir, 0
    while current < 0xFFFFFFFA:
        hops += 1
        if hops > 100_000 or current >= len(fat) + 1:
            raise ValueError("directory chain broken")
        chunk = sector(current)
        for i in range(0, len(chunk) - 127, 128):
            entry = chunk[i : i + 128]
            length = struct.unpack_from("<H", entry, 0x40)[0]
            if 2 <= length <= 64 and entry[0x42] in (1, 2, 5):
                names.append(entry[: length - 2].decode("utf-16-le", "replace"))
        if current >= len(fat):
            break
        current = fat[current]
    if not names:
        raise ValueError("empty directory")
    return names


def _sniff_ole(data: bytes, ext: str) -> str:
    try:
        names = {n.lower() for n in ole_stream_names(data)}
    except (ValueError, struct.error):
        # A damaged directory: fall back to the UTF-16 names anywhere in the file.
        names = {
            n.lower()
            for n in ("WordDocument", "Workbook", "Book", "EncryptedPackage", "PowerPoint Document")
            if n.encode("utf-16-le") in data
        }
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise NoticeImportError(
            "文件设置了打开密码，无法读取。请在 Word/Excel/WPS 中取消密码后重新上传。"
        )
    if "worddocument" in names:
        return "wps" if ext == "wps" else "doc"
    if "workbook" in names or "book" in names:
        return "xls"
    if "powerpoint document" in names:
        raise NoticeImportError("这是 PowerPoint 演示文稿，不是通知文件。" + UPLOAD_HINT)
    if any("wps" in n or "kingsoft" in n for n in names) or ext == "wps":
        return "wps"
    if ext in ("doc", "xls"):
        raise _damaged(f"这个 .{ext} 文件的内部结构不完整")
    raise NoticeImportError(
        "这是一个 Office 复合文档，但既不是 Word 也不是 Excel 文件。" + UPLOAD_HINT
    )


# --- text and HTML ----------------------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """Text in UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030; None when it is not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            # A file cut mid-character still reads as text once the last bytes go.
            try:
                text = data[:-3].decode(encoding) if len(data) > 64 else None
            except UnicodeDecodeError:
                text = None
            if text is None:
                continue
        if looks_like_text(text):
            return text
    return None


def looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return False
    bad = 0
    for ch in sample:
        if ch in "\t\r\n\f\v":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
            bad += 1
    if bad > len(sample) * 0.01:
        return False
    common = sum(
        1
        for ch in sample
        if ch < "\u0250"
        or "\u2000" <= ch <= "\u206f"
        or "\u3000" <= ch <= "\u303f"
        or "\u4e00" <= ch <= "\u9fff"
        or "\uff00" <= ch <= "\uffef"
        or "\u2460" <= ch <= "\u24ff"
    )
    return common >= len(sample) * 0.9


def _sniff_text(data: bytes, ext: str) -> str | None:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = data[:8192].decode("utf-16", "ignore").encode("utf-8")
        except Exception:
            head = b""
    looks_html = bool(_HTML_START.match(head.lstrip(b"\xef\xbb\xbf"))) or (
        ext in ("html", "htm", "shtml", "xhtml", "mht", "mhtml", "doc", "xls")
        and len(_HTML_TAG.findall(head)) >= 2
    )
    if _MHT_START.match(head) and b"text/html" in data[:65536].lower():
        return "html"
    if looks_html:
        return "html"
    if decode_text(data) is not None:
        if ext in ("html", "htm") and len(_HTML_TAG.findall(head)) >= 2:
            return "html"
        return "txt"
    return None
