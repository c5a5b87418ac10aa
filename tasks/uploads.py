"""Which evidence files are accepted: document and image types, decided from the content.

The extension says what the file claims to be; the bytes must agree. Office 2007+ files (.docx,
.xlsx) must be real Office packages (a zip with ``[Content_Types].xml`` and the main part of a
Word or Excel file, within the zip limits of ``importers.sniff``), not any zip; Office 97-2003
files (.doc, .xls) must be compound files with a Word or Excel stream. Files are stored under
names the app chooses (``tasks.models.evidence_path``) and served only through
``tasks.views.liaison.evidence_download``.
"""

from __future__ import annotations

import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

from importers.sniff import ZIP_MAX_MEMBERS, ZIP_MAX_RATIO, ZIP_MAX_TOTAL, ole_stream_names

_PDF, _PNG, _JPEG, _GIF, _ZIP, _OLE, _RTF = "pdf", "png", "jpeg", "gif", "zip", "ole", "rtf"
# Magic bytes of the accepted types. Office documents are zip (docx, xlsx) or OLE2 (doc, xls).
_SIGNATURES = {
    b"%PDF": _PDF,
    b"\x89PNG\r\n\x1a\n": _PNG,
    b"\xff\xd8\xff": _JPEG,
    b"GIF87a": _GIF,
    b"GIF89a": _GIF,
    b"PK\x03\x04": _ZIP,
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": _OLE,
    b"{\\rtf": _RTF,
}
# What each accepted extension's content must be.
_CONTENT_FOR_SUFFIX = {
    ".pdf": {_PDF},
    ".png": {_PNG},
    ".jpg": {_JPEG},
    ".jpeg": {_JPEG},
    ".gif": {_GIF},
    ".docx": {_ZIP},
    ".xlsx": {_ZIP},
    ".doc": {_OLE, _RTF},  # Word saves RTF under .doc too
    ".xls": {_OLE},
    ".wps": {_OLE},
}
ALLOWED_SUFFIXES = set(_CONTENT_FOR_SUFFIX)
# The main part of each Office package, and the content type that names it.
_MAIN_PART = {
    ".docx": ("word/document.xml", "wordprocessingml.document.main"),
    ".xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main"),
}
_OLE_STREAMS = {".doc": {"worddocument"}, ".xls": {"workbook", "book"}}


def _kind(head: bytes) -> str | None:
    return next((kind for sig, kind in _SIGNATURES.items() if head.startswith(sig)), None)


def validate_evidence_total(files) -> None:
    """All the files of one report together stay under REPORT_MAX_TOTAL_BYTES (ten files of
    the single-file limit each would otherwise be 200 MB in one request)."""
    total = sum(f.size or 0 for f in files)
    cap = settings.REPORT_MAX_TOTAL_BYTES
    if total > cap:
        raise ValidationError(
            f"本次上传的文件共 {total / 2**20:.1f} MB，超过每次报送 {cap // 2**20} MB 的上限。"
            "请压缩后再上传，或分几次报送。"
        )


def validate_evidence_file(f) -> None:
    name = getattr(f, "name", "") or ""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if f.size is not None and f.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"文件“{name}”超过 {limit} MB，请压缩后再上传。")
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            f"文件“{name}”的类型不被接受。佐证材料请上传 PDF、图片（JPG/PNG/GIF）或 Word/Excel 文档。"
        )
    f.seek(0)
    head = f.read(8)
    f.seek(0)
    if _kind(head) not in _CONTENT_FOR_SUFFIX[suffix]:
        raise ValidationError(f"文件“{name}”的内容与其扩展名不符，或文件已损坏。")
    try:
        if suffix in _MAIN_PART:
            _check_office_package(f, name, suffix)
        elif _kind(head) == _OLE and suffix in _OLE_STREAMS:
            _check_compound_file(f, name, suffix)
    finally:
        f.seek(0)


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        f"文件“{name}”不是完整的 Word/Excel 文档（可能已损坏或只是改了扩展名），"
        "请在 Word/WPS/Excel 中打开确认后重新保存再上传。"
    )


def _check_office_package(f, name: str, suffix: str) -> None:
    """A real .docx/.xlsx: a readable zip within the limits, with its main part declared."""
    try:
        with zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS or _inflated(infos) > _max_inflated(f):
                raise ValidationError(
                    f"文件“{name}”解压后过大或部件过多，疑似恶意构造的压缩文件，已拒绝。"
                )
            names = {i.filename for i in infos}
            main, content_type = _MAIN_PART[suffix]
            if "[Content_Types].xml" not in names or main not in names:
                raise _damaged(name)
            declared = archive.read("[Content_Types].xml")[:200_000]
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, KeyError, RuntimeError) as err:  # fmt: skip
        raise _damaged(name) from err
    if content_type.encode() not in declared:
        raise _damaged(name)
    if b"macroEnabled" in declared:
        raise ValidationError(f"文件“{name}”包含宏，不能作为佐证材料。请另存为不含宏的文档后上传。")


def _inflated(infos) -> int:
    return sum(i.file_size for i in infos)


def _max_inflated(f) -> int:
    size = f.size if f.size is not None else ZIP_MAX_TOTAL
    return min(ZIP_MAX_TOTAL, max(size, 1) * ZIP_MAX_RATIO)


def _check_compound_file(f, name: str, suffix: str) -> None:
    """A real .doc/.xls: an OLE2 compound file holding a Word or Excel stream."""
    data = f.read(settings.UPLOAD_MAX_BYTES + 1)
    try:
        names = {n.lower() for n in ole_stream_names(data)}
    except (ValueError, IndexError, struct.error, OverflowError, MemoryError):
        # A directory this reader cannot walk: the stream names, anywhere in the file.
        names = {n.lower() for n in ("WordDocument", "Workbook", "Book")
                 if n.encode("utf-16-le") in data}  # fmt: skip
    if not names & _OLE_STREAMS[suffix]:
        raise _damaged(name)
