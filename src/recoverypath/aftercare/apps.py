from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "recoverypath.aftercare"
    label = "aftercare"
