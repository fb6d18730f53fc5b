from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/", views.report, name="report"),
    path("outcomes/early-warnings/", views.warnings_report, name="warnings"),
]
