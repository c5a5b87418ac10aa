from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    Measure,
    Notice,
    ProgressReport,
    Review,
    Task,
)


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["order", "number", "chapter", "title"]
    show_change_link = True


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "jurisdiction",
        "year",
        "doc_number",
        "kind",
        "imported_by",
        "imported_at",
    ]
    list_filter = ["jurisdiction", "year", "kind"]
    search_fields = ["title", "doc_number", "issuer"]
    date_hierarchy = "imported_at"
    readonly_fields = ["checksum", "imported_at"]
    autocomplete_fields = ["jurisdiction"]
    raw_id_fields = ["imported_by"]
    inlines = [TaskInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("jurisdiction", "imported_by")


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["order", "text", "topic", "recurrence", "due_date", "withdrawn"]
    show_change_link = True


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "notice", "chapter", "order"]
    list_filter = ["notice__jurisdiction", "notice__year"]
    search_fields = ["title", "chapter", "notice__title"]
    autocomplete_fields = ["notice"]
    inlines = [MeasureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("notice").defer("notice__parse")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["unit", "role", "due_date", "original_due_date", "status"]
    autocomplete_fields = ["unit"]
    show_change_link = True


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["short_text", "task", "recurrence", "due_date", "withdrawn"]
    list_filter = ["task__notice__jurisdiction", "task__notice__year", "recurrence", "withdrawn"]
    search_fields = ["text", "topic", "task__title"]
    autocomplete_fields = ["task"]
    inlines = [AssignmentInline]

    def get_queryset(self, request):
        # Not the notice's parse (a whole parsed document) on every row of the list.
        return (
            super()
            .get_queryset(request)
            .select_related("task__notice")
            .defer("task__notice__parse")
        )

    @admin.display(description="主要内容")
    def short_text(self, obj: Measure) -> str:
        return obj.text[:50]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "measure",
        "unit",
        "role",
        "due_date",
        "original_due_date",
        "status",
        "latest_percent",
    ]
    list_filter = ["status", "role", "unit__jurisdiction", "measure__task__notice__year"]
    search_fields = ["measure__text", "unit__name"]
    autocomplete_fields = ["measure", "unit"]
    raw_id_fields = ["assigned_by"]
    readonly_fields = ["version", "latest_percent", "latest_report_at", "completed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure", "unit")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records once made are never rewritten (留痕): IT may look, not change."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "file", "size", "content_type", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "percent", "period_start", "author", "created_at"]
    list_filter = ["kind", "assignment__unit__jurisdiction"]
    search_fields = ["text", "assignment__unit__name"]
    inlines = [EvidenceInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assignment__unit", "assignment__measure", "author")
        )


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "size", "content_type", "uploaded_at"]
    search_fields = ["original_name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("report__assignment__unit", "report__assignment__measure")
        )


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "decision", "reason", "reviewer", "created_at"]
    list_filter = ["decision"]
    search_fields = ["reason", "assignment__unit__name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assignment__unit", "assignment__measure", "reviewer")
        )


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "assignment",
        "requested_date",
        "status",
        "approved_date",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["reason", "assignment__unit__name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("assignment__unit", "assignment__measure", "requested_by")
        )
