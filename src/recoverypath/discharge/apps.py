from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "recoverypath.discharge"
    label = "discharge"
