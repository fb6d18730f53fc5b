from django.contrib import admin

from recoverypath.core.admin import AuditedAdminMixin

from .models import Notification, NotificationPreference, Reminder


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "channel", "template", "status", "attempts"]
    list_filter = ["status", "channel", "template"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "email", "sms", "in_app", "quiet_hours_start", "quiet_hours_end"]


@admin.register(Reminder)
class ReminderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "recipient", "template", "status"]
    list_filter = ["status", "template"]
