from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "recoverypath.consent"
    label = "consent"
