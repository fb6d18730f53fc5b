from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "recoverypath.monitoring"
    label = "monitoring"
