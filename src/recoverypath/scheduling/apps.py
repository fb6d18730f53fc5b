from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "recoverypath.scheduling"
    label = "scheduling"
