from django.contrib import admin, messages

from recoverypath.core.admin import AuditedAdminMixin
from recoverypath.core.hooks.channels import channel_transports

from .models import Notification, NotificationPreference, Reminder
from .services import notification_resolve_unknown


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The delivery log. Rows whose outcome is unknown (status "Unknown — check": a worker died
    during the provider call) wait here for a person to check and settle them."""

    list_display = [
        "created_at",
        "recipient",
        "channel",
        "template",
        "status",
        "attempts",
        "sending_at",
    ]
    list_filter = ["status", "channel", "template"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["mark_delivered", "send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Unknown — checked: it was delivered")
    def mark_delivered(self, request, queryset):
        self._resolve(request, queryset, delivered=True)

    @admin.action(description="Unknown — checked: it was not delivered, send it again")
    def send_again(self, request, queryset):
        self._resolve(request, queryset, delivered=False)

    def _resolve(self, request, queryset, *, delivered: bool) -> None:
        ids = list(queryset.values_list("id", flat=True))
        changed = notification_resolve_unknown(
            actor=request.user, notification_ids=ids, delivered=delivered
        )
        skipped = len(ids) - changed
        self.message_user(request, f"{changed} notification(s) settled.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} notification(s) skipped: only rows marked unknown can be settled.",
                messages.WARNING,
            )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def get_list_display(self, request):
        channels = [transport.name for transport in channel_transports()]
        return ["user", *channels, "quiet_hours_start", "quiet_hours_end"]


@admin.register(Reminder)
class ReminderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "recipient", "template", "status"]
    list_filter = ["status", "template"]
