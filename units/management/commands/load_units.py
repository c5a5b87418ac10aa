import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from units.loaders import load_directory

DEFAULT = Path(settings.BASE_DIR) / "fixtures" / "jiaocheng.json"


class Command(BaseCommand):
    help = "载入单位目录（行政区划、单位、别名、群组）。可重复运行，不会产生重复记录。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT), help="目录文件（JSON）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取目录文件 {path}：{exc}") from None
        try:
            stats = load_directory(data)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(str(stats))
