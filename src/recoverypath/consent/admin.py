from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import Consent, Disclosure


@admin.register(Consent)
class ConsentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "recipient_name", "scope", "status", "signed_on", "expires_on"]
    list_filter = ["status", "scope"]
    raw_id_fields = ["client", "created_by", "ended_by"]


@admin.register(Disclosure)
class DisclosureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "recipient_name", "purpose", "disclosed_at"]
    raw_id_fields = ["client", "consent", "disclosed_by"]

    def has_change_permission(self, request, obj=None):
        return False
