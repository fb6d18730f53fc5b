from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "recoverypath.care"
    label = "care"
