from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "recoverypath.safety"
    label = "safety"
