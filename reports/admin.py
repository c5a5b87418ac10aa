from django.contrib import admin

from reports.models import DocumentCounter, Reminder, SupervisionNotice
from tasks.admin import ReadOnlyAdmin


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["doc_number", "unit", "jurisdiction", "reply_by", "issued_by", "issued_at"]
    list_filter = ["jurisdiction", "year"]
    search_fields = ["doc_number", "unit__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "jurisdiction", "issued_by")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "reason", "created_by", "created_at", "read_at"]
    list_filter = ["kind", "reason"]
    search_fields = ["assignment__unit__name", "assignment__measure__text"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assignment__unit", "assignment__measure", "created_by")
        )


@admin.register(DocumentCounter)
class DocumentCounterAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "kind", "year", "last"]
    list_filter = ["kind", "year"]
    readonly_fields = ["jurisdiction", "kind", "year", "last"]

    def has_add_permission(self, request) -> bool:
        return False
