from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import Alert, AlertEvent, EscalationPolicy


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "level", "note", "notified"]


@admin.register(Alert)
class AlertAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["raised_at", "client", "kind", "severity", "status", "assignee"]
    list_filter = ["status", "severity", "kind"]
    raw_id_fields = ["client", "assignee", "raised_by", "acknowledged_by", "resolved_by"]
    inlines = [AlertEventInline]

    def has_change_permission(self, request, obj=None):
        return False  # changes go through the services (inbox), which keep the history


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["program", "critical_minutes", "high_minutes", "medium_minutes", "low_minutes"]
