from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import AftercarePlan, ExternalProvider


@admin.register(ExternalProvider)
class ExternalProviderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "telehealth", "accepting_new_clients"]
    list_filter = ["kind", "telehealth", "accepting_new_clients"]
    search_fields = ["name", "services"]


@admin.register(AftercarePlan)
class AftercarePlanAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "program", "status", "start_date", "end_date"]
    list_filter = ["status", "program"]
    raw_id_fields = ["client", "episode", "coordinator", "created_by"]
