from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import Award, RewardSchedule


@admin.register(RewardSchedule)
class RewardScheduleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("program", "style", "active", "yearly_cap")


@admin.register(Award)
class AwardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("client", "behaviour", "occurred_on", "outcome", "amount")
    readonly_fields = [f.name for f in Award._meta.fields]
