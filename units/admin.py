from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from units.models import Jurisdiction, Profile, Unit, UnitAlias, UnitGroup

admin.site.site_header = "安全生产工作督办系统 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "数据维护"


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "office_name", "document_prefix"]
    list_filter = ["level"]
    search_fields = ["name", "office_name"]
    autocomplete_fields = ["parent"]


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "jurisdiction", "kind", "alias_names", "is_active", "order"]
    list_filter = ["jurisdiction", "kind", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["jurisdiction", "parent", "governs"]
    inlines = [UnitAliasInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("jurisdiction").prefetch_related("aliases")
        )

    @admin.display(description="别名")
    def alias_names(self, obj: Unit) -> str:
        return "、".join(a.name for a in obj.aliases.all())


@admin.register(UnitGroup)
class UnitGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "jurisdiction", "rule", "member_count", "order"]
    list_filter = ["jurisdiction", "rule"]
    search_fields = ["name", "aliases"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["jurisdiction"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("jurisdiction")

    @admin.display(description="成员数")
    def member_count(self, obj: UnitGroup) -> int:
        return obj.resolve().count()


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "jurisdiction", "unit", "phone", "must_change_password"]
    list_filter = ["jurisdiction"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "jurisdiction", "unit"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["jurisdiction", "unit"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SafetyplanUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "is_active", "is_staff", "group_names"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def group_names(self, obj) -> str:
        return "、".join(g.name for g in obj.groups.all())
