from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import SelectionDraw, TestingSettings, TestPanel


@admin.register(TestingSettings)
class TestingSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["program", "brac_threshold", "alert_on_presumptive", "default_tests"]
    raw_id_fields = ["program", "default_panel"]


@admin.register(TestPanel)
class TestPanelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "program", "specimen_type", "active"]
    list_filter = ["specimen_type", "active"]


@admin.register(SelectionDraw)
class SelectionDrawAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: a draw is evidence."""

    list_display = ["date", "program", "policies", "selected", "drawn_at", "algorithm"]
    list_filter = ["program"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
