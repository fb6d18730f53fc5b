from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import Assessment, ScheduleRule


@admin.register(Assessment)
class AssessmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "instrument", "total", "band", "mode", "administered_at"]
    list_filter = ["instrument", "mode"]
    raw_id_fields = ["client", "episode", "administered_by"]

    def has_change_permission(self, request, obj=None):
        return False  # answers are stored as given


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["program", "instrument", "at_intake", "iop_every_days", "aftercare_every_days"]
