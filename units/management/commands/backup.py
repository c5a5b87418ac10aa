"""``python manage.py backup [--output DIR]``: the database and uploaded files in one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safetyplan import backup


class Command(BaseCommand):
    help = (
        "备份数据库和上传文件（通知原件、佐证材料、督办单）到一个 .tar.gz 文件，"
        "附清单（时间、版本、各表记录数、校验值）。默认存放在 var/backups/。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="备份文件存放的目录（默认 var/backups/）。",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="数据库导出为 JSON（可在另一种数据库上恢复），而不是 SQLite 文件或 pg_dump。",
        )

    def handle(self, *args, **options):
        try:
            archive = backup.backup(options["output"], as_json=options["json"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from None
        manifest = backup.read_manifest(archive)
        counts = manifest["counts"]
        files = sum(1 for name in manifest["files"] if name.startswith(backup.MEDIA + "/"))
        size = archive.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"备份完成：{archive}"))
        self.stdout.write(
            f"  数据库：{manifest['database']['vendor']}（{manifest['database']['format']}），"
            f"通知 {counts.get('tasks.notice', 0)} 份、措施 {counts.get('tasks.measure', 0)} 条、"
            f"分配 {counts.get('tasks.assignment', 0)} 项、"
            f"进展报送 {counts.get('tasks.progressreport', 0)} 条"
        )
        self.stdout.write(f"  上传文件：{files} 个；备份文件大小：{size / 1024 / 1024:.1f} MB")
