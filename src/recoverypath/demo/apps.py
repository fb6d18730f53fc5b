from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "recoverypath.demo"
    label = "demo"
