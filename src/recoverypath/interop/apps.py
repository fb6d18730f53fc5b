from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "recoverypath.interop"
    label = "interop"
