from django.apps import AppConfig


class EarlywarningConfig(AppConfig):
    name = "recoverypath.earlywarning"
    label = "earlywarning"
