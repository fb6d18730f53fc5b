from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("consent/clients/<int:client_id>/new/", views.consent_create, name="create"),
    path("consent/<int:consent_id>/revoke/", views.consent_revoke, name="revoke"),
]
