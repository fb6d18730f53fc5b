from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import Client, SupportContact


class SupportContactInline(admin.TabularInline):
    model = SupportContact
    extra = 0


@admin.register(Client)
class ClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["mrn", "last_name", "first_name", "program", "primary_clinician"]
    list_filter = ["program"]
    search_fields = ["mrn", "last_name", "first_name"]
    raw_id_fields = ["user", "primary_clinician", "coordinator"]
    inlines = [SupportContactInline]
