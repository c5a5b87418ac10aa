from django.contrib import admin

from importers.models import ImportDraft


@admin.register(ImportDraft)
class ImportDraftAdmin(admin.ModelAdmin):
    list_display = ["filename", "jurisdiction", "uploaded_by", "created_at", "status", "notice"]
    list_filter = ["status", "jurisdiction"]
    search_fields = ["filename"]
    readonly_fields = ["checksum", "created_at", "parse"]
    raw_id_fields = ["uploaded_by", "revision_of", "notice"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("jurisdiction", "uploaded_by", "notice")
