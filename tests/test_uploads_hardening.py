"""Uploads: evidence restricted to document and image types decided from the content (Office
files must be real Office files), size limits, names the app chooses, files served only to
those who may see the assignment; the notice import refuses zip bombs before parsing."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from importers.models import ImportDraft
from tasks import services
from tasks.models import Evidence, Notice, ProgressReport
from tasks.uploads import validate_evidence_file
from tests import factories as f

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
DOCX = (FIXTURES / "002_notice.docx").read_bytes()
XLSX = (FIXTURES / "000_division_table.xlsx").read_bytes()
XLS = (FIXTURES / "ledger.xls").read_bytes()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """The package with one member replaced, added, or (``None``) left out."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: source.read(i.filename) for i in source.infolist()}
    if content is None:
        members.pop(name, None)
    else:
        members[name] = content
    return _zip(members)


def _declaring(data: bytes, size: int) -> bytes:
    """A zip bomb's trick: the central directory declares ``size`` bytes for every member."""
    out = bytearray(data)
    for match in re.finditer(rb"PK\x01\x02", bytes(out)):
        struct.pack_into("<I", out, match.start() + 24, size)
    return bytes(out)


def _check(name: str, data: bytes) -> None:
    validate_evidence_file(SimpleUploadedFile(name, data))


def _refused(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as err:
        _check(name, data)
    return "".join(err.value.messages)


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory) -> bytes:
    """A real Word 97-2003 .doc, saved by LibreOffice from the .docx fixture."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("doc")
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{out}/profile",
         "--convert-to", "doc", str(FIXTURES / "002_notice.docx"), "--outdir", str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (out / "002_notice.doc").read_bytes()


# ---- what is accepted -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [("纪要.pdf", PDF), ("照片.PNG", PNG), ("照片.jpg", JPEG), ("照片.jpeg", JPEG),
     ("图.gif", GIF), ("通知.docx", DOCX), ("分工.xlsx", XLSX), ("台账.xls", XLS),
     ("说明.doc", b"{\\rtf1\\ansi hello}")],
)  # fmt: skip
def test_real_documents_and_images_are_accepted(name, data):
    _check(name, data)


def test_a_real_legacy_word_file_is_accepted(legacy_doc):
    _check("通知.doc", legacy_doc)


# ---- what is refused, and why --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["脚本.html", "图.svg", "程序.exe", "压缩包.zip", "无扩展名",
                                  "宏.docm", "演示.pptx", "网页.htm"])  # fmt: skip
def test_other_types_are_refused_by_name(name):
    assert "类型不被接受" in _refused(name, PDF)


@pytest.mark.parametrize(
    ("name", "data"),
    [("纪要.pdf", PNG), ("照片.jpg", PDF), ("照片.png", JPEG), ("程序.pdf", b"MZ\x90\x00" * 8),
     ("网页.doc", b"<html><script>alert(1)</script></html>"), ("通知.doc", DOCX),
     ("通知.docx", XLS), ("台账.xls", DOCX), ("空.pdf", b" ")],
)  # fmt: skip
def test_content_that_does_not_match_the_name_is_refused(name, data):
    assert "内容与其扩展名不符" in _refused(name, data)


def test_any_zip_renamed_docx_is_refused():
    plain = _zip({"readme.txt": b"hello", "x.js": b"alert(1)"})
    assert "不是完整的 Word/Excel 文档" in _refused("材料.docx", plain)
    assert "不是完整的 Word/Excel 文档" in _refused("材料.xlsx", plain)


def test_a_docx_renamed_xlsx_is_refused_and_the_reverse():
    assert "不是完整的 Word/Excel 文档" in _refused("表.xlsx", DOCX)
    assert "不是完整的 Word/Excel 文档" in _refused("文.docx", XLSX)


def test_a_package_without_its_content_types_is_refused():
    broken = _with_member(DOCX, "[Content_Types].xml", None)
    assert "不是完整的 Word/Excel 文档" in _refused("文.docx", broken)


def test_a_truncated_docx_is_refused():
    assert "不是完整的 Word/Excel 文档" in _refused("文.docx", DOCX[: len(DOCX) // 2])


def test_a_macro_enabled_package_renamed_docx_is_refused():
    types = zipfile.ZipFile(io.BytesIO(DOCX)).read("[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.document.main+xml\"/>"
        b"<Override PartName=\"/word/vbaProject.bin\" ContentType=\"application/vnd.ms-word."
        b"document.macroEnabled.main+xml"
    )  # fmt: skip
    assert "包含宏" in _refused("宏.docx", _with_member(DOCX, "[Content_Types].xml", types))


def test_a_zip_bomb_renamed_docx_is_refused():
    assert "疑似恶意构造的压缩文件" in _refused("文.docx", _declaring(DOCX, 0xFFFFFFF0))


def test_a_docx_with_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr("tasks.uploads.ZIP_MAX_MEMBERS", 20)
    many = DOCX
    for i in range(20):
        many = _with_member(many, f"word/media/{i}.xml", b"<x/>")
    assert "部件过多" in _refused("文.docx", many)


def test_an_ole_file_without_a_word_stream_is_refused():
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "不是完整的 Word/Excel 文档" in _refused("文.doc", fake)
    assert "不是完整的 Word/Excel 文档" in _refused("表.xls", fake)


def test_an_excel_file_renamed_doc_is_refused():
    assert "不是完整的 Word/Excel 文档" in _refused("文.doc", XLS)


def test_oversized_files_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    assert "超过 1 MB" in _refused("大.pdf", PDF + b"\x00" * (1024 * 1024))
    _check("小.pdf", PDF)


def test_validation_leaves_the_file_at_its_start():
    upload = SimpleUploadedFile("通知.docx", DOCX)
    validate_evidence_file(upload)
    assert upload.read() == DOCX


# ---- through the report page: nothing half-saved ----------------------------------------------


@pytest.fixture
def assignment(county, unit_a):
    return f.assignment(f.measure(j=county), unit_a, due=dt.date(2099, 6, 30))


def _post_report(client, assignment, upload, **extra):
    data = {"text": "已完成", "percent": 100, "version": assignment.version,
            "files": upload, **extra}  # fmt: skip
    return client.post(reverse("report_create", args=[assignment.pk]), data)


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_fake_docx_is_refused_and_nothing_is_saved(login, liaison_a, assignment, settings):
    fake = SimpleUploadedFile("会议纪要.docx", _zip({"a.txt": b"x"}))
    page = _post_report(login(liaison_a), assignment, fake, completion="on")
    assert page.status_code == 200
    assert "不是完整的 Word/Excel 文档" in page.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert _stored_files(settings) == []


def test_evidence_is_stored_under_a_name_the_app_chooses(login, liaison_a, assignment, settings):
    upload = SimpleUploadedFile("../../../etc/安全例会<script>.docx", DOCX)
    page = _post_report(login(liaison_a), assignment, upload)
    assert page.status_code == 302
    evidence = Evidence.objects.get()
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.docx", evidence.file.name)
    assert "例会" not in evidence.file.name
    (stored,) = _stored_files(settings)
    assert stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.read_bytes() == DOCX
    assert "/" not in evidence.original_name and ".." not in evidence.original_name


def test_files_of_one_report_past_the_total_cap_are_refused(login, liaison_a, assignment, settings):
    settings.REPORT_MAX_TOTAL_BYTES = 1024 * 1024
    photos = [SimpleUploadedFile(f"现场照片{i}.png", PNG + b"\x00" * 400_000) for i in range(3)]
    page = _post_report(login(liaison_a), assignment, photos)
    assert page.status_code == 200
    assert "共 1.1 MB，超过每次报送 1 MB 的上限" in page.content.decode()
    assert not ProgressReport.objects.exists() and _stored_files(settings) == []


def test_the_service_refuses_the_total_too(liaison_a, assignment, settings):
    from django.core.exceptions import ValidationError

    settings.REPORT_MAX_TOTAL_BYTES = 1024 * 1024
    photos = [SimpleUploadedFile(f"照片{i}.png", PNG + b"\x00" * 600_000) for i in range(2)]
    with pytest.raises(ValidationError, match="超过每次报送 1 MB 的上限"):
        services.report_progress(
            assignment=assignment, author=liaison_a, text="见附件", percent=10, files=photos
        )
    assert not ProgressReport.objects.exists()


# ---- serving ------------------------------------------------------------------------------------


@pytest.fixture
def evidence(assignment, liaison_a):
    report = services.report_progress(
        assignment=assignment, author=liaison_a, text="见附件", percent=10,
        files=[SimpleUploadedFile("现场照片.png", PNG)],
    )  # fmt: skip
    return report.evidence.get()


def test_evidence_is_served_as_an_attachment_that_is_not_sniffed(login, office, evidence):
    response = login(office).get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize("user", ["liaison_b", "sibling_office", "township_office"])
def test_evidence_is_not_served_to_those_who_may_not_see_the_assignment(
    login, request, user, evidence
):
    response = login(request.getfixturevalue(user)).get(
        reverse("evidence_download", args=[evidence.pk])
    )
    assert response.status_code == 404 and PNG not in response.content


def test_uploaded_files_have_no_public_url(login, office, evidence):
    """Outside DEBUG the app routes no /media/ URL: files go out only through the view."""
    response = login(office).get("/media/" + evidence.file.name)
    assert response.status_code == 404


# ---- the notice import: size and zip-bomb guards --------------------------------------------


def _import(client, county, name, data):
    upload = SimpleUploadedFile(name, data)
    return client.post(reverse("import_upload"), {"file": upload, "jurisdiction": county.pk})


def test_an_import_zip_bomb_is_refused_before_parsing(login, office, county):
    page = _import(login(office), county, "通知.docx", _declaring(DOCX, 0xFFFFFFF0))
    assert page.status_code == 200
    assert "压缩炸弹" in page.content.decode()
    assert not ImportDraft.objects.exists() and not Notice.objects.exists()


def test_an_import_with_too_many_parts_is_refused(login, office, county):
    from importers.sniff import ZIP_MAX_MEMBERS

    members = {i.filename: b"" for i in zipfile.ZipFile(io.BytesIO(DOCX)).infolist()}
    package = zipfile.ZipFile(io.BytesIO(DOCX))
    members = {name: package.read(name) for name in members}
    members.update({f"word/media/{i}.xml": b"" for i in range(ZIP_MAX_MEMBERS)})
    page = _import(login(office), county, "通知.docx", _zip(members))
    assert "部件过多" in page.content.decode()
    assert not ImportDraft.objects.exists()


def test_an_oversized_import_is_refused_before_reading(login, office, county, settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024
    page = _import(login(office), county, "通知.docx", DOCX + b"\x00" * (10 * 1024))
    assert "无法导入" in page.content.decode()
    assert not ImportDraft.objects.exists()
