from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle", "network", "status", "frozen_for", "requested_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["cycle", "network", "requested_by", "frozen_by", "same_as"]
    readonly_fields = ["checksum", "source_digest", "pages", "size", "attempts"]
