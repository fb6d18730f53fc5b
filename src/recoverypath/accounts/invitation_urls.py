from django.urls import path

from . import invitation_views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", invitation_views.invitation_accept_view, name="accept"),
]
