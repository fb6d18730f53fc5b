from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("clients/", views.caseload, name="caseload"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/<int:client_id>/", views.client_detail, name="detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="edit"),
    path("clients/<int:client_id>/invite/", views.client_invite, name="invite"),
    path(
        "clients/<int:client_id>/login/deactivate/",
        views.client_login_deactivate,
        name="login_deactivate",
    ),
    path(
        "clients/<int:client_id>/login/reactivate/",
        views.client_login_reactivate,
        name="login_reactivate",
    ),
    path("clients/<int:client_id>/contacts/new/", views.contact_create, name="contact_create"),
    path(
        "clients/<int:client_id>/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "clients/<int:client_id>/contacts/<int:contact_id>/delete/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("me/", views.me, name="me"),
]
