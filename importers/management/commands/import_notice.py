import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from importers import api
from importers.parse import Directory, NoticeImportError
from units.models import Jurisdiction


class Command(BaseCommand):
    help = "导入一份通知或任务分工表（.docx .xlsx .pdf .html .txt .doc .wps .xls）。"
    # Parsing needs neither the URLs nor the admin: skip the checks that load them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="通知文件")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不保存")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出解析结果")
        parser.add_argument("--jurisdiction", help="行政区划名称（默认：最上级的行政区划）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        data = path.read_bytes()
        jurisdiction = self._jurisdiction(options["jurisdiction"], required=not options["dry_run"])
        directory = self._directory(jurisdiction)
        parse_fn = getattr(api, "parse_file_limited", api.parse_file)
        try:
            parse = parse_fn(data, path.name, directory=directory)
        except NoticeImportError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(parse.to_json(), ensure_ascii=False, indent=1))
        else:
            measures = sum(len(t.measures) for t in parse.tasks)
            self.stdout.write(f"{parse.title}：{len(parse.tasks)} 项任务，{measures} 条措施")
            for warning in parse.warnings:
                self.stdout.write(f"提示：{warning}")
        if options["dry_run"]:
            return
        from importers.services import save_parse

        try:
            notice, created = save_parse(
                parse=parse, jurisdiction=jurisdiction, data=data, filename=path.name, by=None
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        verb = "已导入" if created else "此文件已导入过，未作改动"
        self.stderr.write(f"{verb}：{notice.title}（编号 {notice.pk}）")

    def _jurisdiction(self, name: str | None, *, required: bool) -> Jurisdiction | None:
        try:
            if name:
                found = Jurisdiction.objects.filter(name=name).first()
                if found is None:
                    raise CommandError(f"没有名为“{name}”的行政区划。")
                return found
            tops = list(Jurisdiction.objects.filter(parent__isnull=True)[:2])
        except DatabaseError:
            if required:
                raise CommandError(
                    "数据库尚未初始化，请先运行 python manage.py migrate。"
                ) from None
            return None
        if len(tops) == 1:
            return tops[0]
        if required:
            raise CommandError("请用 --jurisdiction 指定导入到哪个行政区划。")
        return None

    def _directory(self, jurisdiction: Jurisdiction | None) -> Directory | None:
        if jurisdiction is None:
            return None
        from importers.services import directory_for

        return directory_for(jurisdiction)
