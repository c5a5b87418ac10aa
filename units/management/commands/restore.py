"""``python manage.py restore ARCHIVE [--yes]``: bring back a backup made by ``backup``."""

from django.core.management.base import BaseCommand, CommandError

from safetyplan import backup


class Command(BaseCommand):
    help = (
        "从 backup 命令生成的备份文件恢复数据库和上传文件。当前数据库已有数据时，"
        "须加 --yes 确认覆盖；被替换的上传文件移到 MEDIA_ROOT 旁的 .before-restore-时间 目录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（safetyplan-backup-*.tar.gz）")
        parser.add_argument(
            "--yes", action="store_true", help="确认用备份覆盖当前数据库中已有的数据。"
        )

    def handle(self, *args, **options):
        try:
            manifest = backup.read_manifest(options["archive"])
            self.stdout.write(
                f"备份时间：{backup.created_at(manifest)}；程序版本：{manifest.get('app_version')}"
            )
            result = backup.restore(options["archive"], overwrite=options["yes"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from None
        counts = result.counts
        self.stdout.write(self.style.SUCCESS("恢复完成，各表记录数与备份清单一致。"))
        self.stdout.write(
            f"  通知 {counts.get('tasks.notice', 0)} 份、措施 {counts.get('tasks.measure', 0)} 条、"
            f"分配 {counts.get('tasks.assignment', 0)} 项、"
            f"进展报送 {counts.get('tasks.progressreport', 0)} 条"
        )
        if result.replaced_media:
            self.stdout.write(f"  原有上传文件已移到：{result.replaced_media}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  注意：{warning}"))
