from django.urls import path

from . import views

app_name = "earlywarning"

urlpatterns = [
    path("aftercare/caseload/", views.caseload, name="dashboard"),
    path("aftercare/clients/<int:client_id>/timeline/", views.timeline, name="timeline"),
    path("aftercare/rules/<int:program_id>/", views.rule_settings, name="rules"),
]
