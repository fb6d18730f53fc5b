from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "recoverypath.core"
    label = "core"
    verbose_name = "Core"
