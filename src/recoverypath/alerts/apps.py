from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "recoverypath.alerts"
    label = "alerts"
