from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "recoverypath.testing"
    label = "testing"
