from django.contrib import admin

from .models import RuleSetting


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ["program", "rule", "enabled", "params"]
    list_filter = ["rule", "enabled"]
