"""``backup`` and ``restore`` bring back exactly what was there: every row, every field, every file.

Transactional tests: ``pg_dump`` sees only committed data, and SQLite's backup API cannot write
into a connection that is inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safetyplan import backup
from tasks import services
from tasks.models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    Measure,
    Notice,
    ProgressReport,
    Review,
)
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

# Rebuilt by migrate, and by the JSON restore left as they are.
SKIP = {"contenttypes.contenttype", "auth.permission", "auth.group_permissions"}


def _rows() -> dict[str, list[dict]]:
    """Every row of every table, field by field, in primary-key order. Many-to-many tables by the
    pairs they hold (JSON restores the pairs, not the surrogate ids of the link rows)."""
    rows = {}
    for m in backup._models():
        if m._meta.label_lower in SKIP:
            continue
        if m._meta.auto_created:
            fields = [f.attname for f in m._meta.concrete_fields if not f.primary_key]
            rows[m._meta.label_lower] = sorted(m._base_manager.values_list(*fields))
        else:
            rows[m._meta.label_lower] = list(m._base_manager.order_by("pk").values())
    return rows


def _files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def data(county, unit_a, unit_b, office, liaison_a, liaison_b, leader):
    """A notice with its file, measures given to two units, reports with evidence, a review, an
    extension: what an office has after a few weeks."""
    notice = f.notice(county, title="关于做好2024年安全生产工作的通知")
    notice.source_file.save("通知.txt", ContentFile("交城县人民政府文件\n一、压实责任".encode()))
    monthly = f.measure(notice, text="每月召开一次安委会会议。", recurrence="monthly")
    once = f.measure(notice, text="年底前完成监管清单修订。", due=dt.date(2024, 12, 31))
    a1 = f.assignment(monthly, unit_a, due=dt.date(2024, 12, 31))
    a2 = f.assignment(once, unit_a, due=dt.date(2024, 6, 30))
    a3 = f.assignment(once, unit_b, due=dt.date(2024, 6, 30))
    services.report_progress(
        assignment=a1,
        author=liaison_a,
        text="一月份已召开会议。",
        percent=10,
        period_start=dt.date(2024, 1, 15),
        files=[SimpleUploadedFile("会议照片.png", PNG, content_type="image/png")],
    )
    services.report_progress(
        assignment=a2,
        author=liaison_a,
        text="监管清单已修订完成。",
        percent=100,
        completion=True,
        files=[SimpleUploadedFile("清单.pdf", PDF, content_type="application/pdf")],
    )
    services.review_completion(assignment=a2, reviewer=office, accept=True)
    services.report_progress(assignment=a3, author=liaison_b, text="正在推进。", percent=30)
    services.request_extension(
        assignment=a3, by=liaison_b, requested_date=dt.date(2024, 9, 30), reason="汛期影响。"
    )
    assert Evidence.objects.count() == 2
    return notice


def _alter(county, unit_a, office, liaison_a):
    """Lose and change things after the backup: what a restore must undo."""
    Review.objects.all().delete()
    evidence = Evidence.objects.first()
    Path(evidence.file.path).write_bytes(b"%PDF-1.4 changed")
    Path(Evidence.objects.last().file.path).unlink()
    Assignment.objects.filter(status=Assignment.Status.DONE).update(status="in_progress")
    other = f.measure(f.notice(county, title="后来导入的通知"))
    services.report_progress(
        assignment=f.assignment(other, unit_a),
        author=liaison_a,
        text="备份之后的报送。",
        percent=5,
        files=[SimpleUploadedFile("后来.pdf", PDF, content_type="application/pdf")],
    )
    Notice.objects.filter(title__startswith="关于做好").update(title="被改掉的标题")
    ExtensionRequest.objects.all().delete()


def _formats():
    if connection.vendor == "postgresql":
        return ["pg_dump", "json"]
    return ["sqlite", "json"]


@pytest.fixture(params=["native", "json"])
def as_json(request):
    return request.param == "json"


def test_restore_brings_back_every_row_and_file(
    data, county, unit_a, office, liaison_a, tmp_path, as_json
):
    rows, files = _rows(), _files()
    archive = backup.backup(tmp_path / "backups", as_json=as_json)
    _alter(county, unit_a, office, liaison_a)
    altered = _files()
    assert _rows() != rows and altered != files

    result = backup.restore(archive, overwrite=True)

    assert result.manifest["database"]["format"] == _formats()[1 if as_json else 0]
    after = _rows()
    for label in rows:
        assert after[label] == rows[label], label
    assert _files() == files
    # The files the restore replaced are kept aside, not deleted.
    assert result.replaced_media is not None
    root = result.replaced_media
    aside = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert aside == altered


def test_restored_database_keeps_working(data, county, unit_a, liaison_a, tmp_path, as_json):
    """New rows after a restore get fresh ids (PostgreSQL sequences come back too)."""
    archive = backup.backup(tmp_path, as_json=as_json)
    highest = ProgressReport.objects.order_by("-pk").first().pk
    backup.restore(archive, overwrite=True)
    assignment = Assignment.objects.filter(unit=unit_a, status="in_progress").first()
    report = services.report_progress(
        assignment=assignment, author=liaison_a, text="恢复后的报送。", percent=50
    )
    assert report.pk > highest
    assert ProgressReport.objects.count() == 4


def test_manifest_lists_counts_versions_and_checksums(data, tmp_path):
    archive = backup.backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["counts"]["tasks.notice"] == 1
    assert manifest["counts"]["tasks.measure"] == Measure.objects.count() == 2
    assert manifest["counts"]["tasks.assignment"] == 3
    assert manifest["counts"]["tasks.progressreport"] == 3
    assert manifest["counts"]["tasks.review"] == 1
    assert manifest["counts"]["tasks.evidence"] == 2
    assert manifest["django_version"] and manifest["python_version"] and manifest["app_version"]
    assert manifest["migrations"]["tasks"]
    assert manifest["database"]["vendor"] == connection.vendor
    media = [n for n in manifest["files"] if n.startswith("media/")]
    assert len(media) == 3  # the notice's file and two evidence files
    assert set(manifest["files"]) | {"manifest.json"} == names
    assert all(len(digest) == 64 for digest in manifest["files"].values())


def test_restore_refuses_a_database_with_data_without_yes(data, tmp_path):
    archive = backup.backup(tmp_path)
    Review.objects.all().delete()
    rows, files = _rows(), _files()

    with pytest.raises(CommandError, match=r"当前数据库中已有数据.*--yes"):
        call_command("restore", str(archive))

    assert _rows() == rows and _files() == files  # nothing touched


def test_restore_into_an_empty_database_needs_no_yes(data, tmp_path, settings):
    rows, files = _rows(), _files()
    call_command("backup", "--output", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").glob("safetyplan-backup-*.tar.gz")
    call_command("flush", interactive=False, verbosity=0)
    for p in Path(settings.MEDIA_ROOT).rglob("*"):
        if p.is_file():
            p.unlink()
    assert not backup.database_has_data()

    call_command("restore", str(archive))

    assert _rows() == rows and _files() == files


def test_backup_command_reports_in_chinese(data, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path))
    out = capsys.readouterr().out
    assert "备份完成" in out and "通知 1 份" in out and "上传文件：3 个" in out


def test_damaged_archive_is_refused_before_anything_changes(data, tmp_path):
    archive = backup.backup(tmp_path / "a")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            content = src.extractfile(member).read()
            if member.name.startswith("media/") and member.name.endswith(".pdf"):
                content = content.replace(b"%%EOF", b"%%EOX")
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    Review.objects.all().delete()
    rows, files = _rows(), _files()

    with pytest.raises(backup.BackupError, match="校验值与清单不符"):
        backup.restore(damaged, overwrite=True)

    assert _rows() == rows and _files() == files


def test_not_a_backup_is_refused_in_chinese(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="不是本系统的备份文件"):
        call_command("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--yes")


def test_archive_with_a_path_outside_is_refused(data, tmp_path):
    archive = backup.backup(tmp_path / "a")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(evil, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo("../../escaped.txt")
        payload = b"x"
        info.size = len(payload)
        dst.addfile(info, io.BytesIO(payload))

    with pytest.raises(backup.BackupError, match="清单之外的内容"):
        backup.restore(evil, overwrite=True)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_without_pg_dump_postgresql_is_backed_up_as_json(data, tmp_path, monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    rows = _rows()
    archive = backup.backup(tmp_path)
    manifest = backup.read_manifest(archive)
    expected = "json" if connection.vendor == "postgresql" else "sqlite"
    assert manifest["database"]["format"] == expected
    Review.objects.all().delete()
    backup.restore(archive, overwrite=True)
    assert _rows() == rows
