from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError

from units.demo import DEMO_PASSWORD, create_demo_users


class Command(BaseCommand):
    help = "创建演示用户（安委办、乡镇安委办、领导、两名联络员、系统管理员）并打印登录信息。"

    def handle(self, *args, **options):
        try:
            users = create_demo_users()
        except ObjectDoesNotExist:
            raise CommandError("请先运行 python manage.py load_units 载入单位目录。") from None
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for u in users:
            role = u.role or "系统管理员（/admin/）"
            where = u.unit or u.jurisdiction
            self.stdout.write(f"  {u.username:<12} {role:<14} {where}  {u.full_name}")
