from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "recoverypath.assessments"
    label = "assessments"
