import django_tables2 as tables
from django.contrib.auth import get_user_model

from safetyplan.tables import BoundedTable


class LiaisonTable(BoundedTable):
    username = tables.Column(verbose_name="登录名")
    first_name = tables.Column(verbose_name="姓名")
    unit = tables.Column(
        verbose_name="所属单位", accessor="profile__unit", order_by=("profile__unit__order",)
    )
    phone = tables.Column(verbose_name="联系电话", accessor="profile__phone", orderable=False)
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")
    last_login = tables.DateTimeColumn(
        verbose_name="最近登录", format="Y年n月j日 H:i", default="从未登录"
    )
    actions = tables.TemplateColumn(
        template_name="units/partials/account_actions.html", verbose_name="操作", orderable=False
    )

    class Meta:
        model = get_user_model()
        fields = ("username", "first_name", "unit", "phone", "is_active", "last_login")
        attrs = {"class": "grid"}
        empty_text = "还没有联络员账号。"
