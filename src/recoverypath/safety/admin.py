from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import SafetyEvent, SafetyPlan, SafetyProfile


@admin.register(SafetyPlan)
class SafetyPlanAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "version", "written_by", "created_at"]
    raw_id_fields = ["client", "written_by"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable: write a new one


@admin.register(SafetyProfile)
class SafetyProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "history_of_self_harm", "updated_at"]
    raw_id_fields = ["client", "updated_by"]


@admin.register(SafetyEvent)
class SafetyEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "kind", "occurred_at", "review_completed_at"]
    raw_id_fields = ["client", "recorded_by", "reviewed_by"]
