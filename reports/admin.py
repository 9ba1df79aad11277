from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are asked for, frozen and deleted in the application, where the
    rules hold (a frozen version is never changed nor deleted)."""

    list_display = ["__str__", "cycle", "network", "status", "frozen_for", "requested_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["cycle", "network", "requested_by", "frozen_by", "same_as"]

    def get_actions(self, request):
        return {}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
