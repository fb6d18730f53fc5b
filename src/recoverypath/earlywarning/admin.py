from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import RuleSetting


@admin.register(RuleSetting)
class RuleSettingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["program", "rule", "enabled", "params"]
    list_filter = ["rule", "enabled"]
