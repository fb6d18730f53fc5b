from django.contrib import admin

from .models import AftercarePlan, ExternalProvider


@admin.register(ExternalProvider)
class ExternalProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "telehealth", "accepting_new_clients"]
    list_filter = ["kind", "telehealth", "accepting_new_clients"]
    search_fields = ["name", "services"]


@admin.register(AftercarePlan)
class AftercarePlanAdmin(admin.ModelAdmin):
    list_display = ["id", "program", "status", "start_date", "end_date"]
    list_filter = ["status", "program"]
    raw_id_fields = ["client", "episode", "coordinator", "created_by"]
