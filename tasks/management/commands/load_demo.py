from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tasks import clock, demo

# Sample notices imported into the demo, with the jurisdiction each belongs to.
DEMO_NOTICES = [
    ("000_division_table.docx", "交城县"),
    ("001_b8c2bae4e8864faf.txt", "水峪贯镇"),
]


class Command(BaseCommand):
    help = "载入演示数据：单位目录、演示账号和示例通知。可重复运行。"

    def handle(self, *args, **options):
        call_command("load_units", stdout=self.stdout)
        call_command("create_demo_users", stdout=self.stdout)
        folder = Path(settings.BASE_DIR) / "fixtures" / "notices"
        for name, jurisdiction in DEMO_NOTICES:
            call_command(
                "import_notice", str(folder / name), jurisdiction=jurisdiction, stdout=self.stdout
            )
        if demo.populate(today=clock.today()):
            self.stdout.write("已生成演示进度：完成时限、进展报送、审核和延期申请。")
