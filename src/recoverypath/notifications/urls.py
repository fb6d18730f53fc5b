from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.notification_mark_all_read, name="mark_all_read"),
    path("notifications/settings/", views.preferences, name="preferences"),
    path(
        "notifications/reminders/<int:program_id>/",
        views.reminder_settings,
        name="reminder_settings",
    ),
]
