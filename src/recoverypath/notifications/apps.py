from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "recoverypath.notifications"
    label = "notifications"
