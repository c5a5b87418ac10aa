"""``python manage.py send_reminders [--days N] [--dry-run]``: the daily 催办, meant for cron."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.reminders import send_digests, summary_text
from tasks import clock


class Command(BaseCommand):
    help = (
        "向有逾期、漏报或临期任务的单位联络员发送催办邮件（每个单位一封汇总），并记录站内提醒。"
        "同一天重复运行不会重复提醒。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="提醒几天内到期的任务（含当天），默认取环境变量 REMINDER_DAYS，未设置时为 3",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出将要提醒的单位和事项，不发送、不记录"
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = getattr(settings, "REMINDER_DAYS", 3) if days is None else days
        if days < 0 or days > 60:
            raise CommandError("--days 应为 0 到 60 之间的整数（0 表示不提醒临期任务）。")
        summary = send_digests(clock.today(), days, dry_run=dry_run)
        self.stdout.write(summary_text(summary, dry_run=dry_run))
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} 个单位的催办邮件发送失败，见上。")
