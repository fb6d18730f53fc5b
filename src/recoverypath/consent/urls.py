from django.urls import path

from . import family_views, views

app_name = "consent"

urlpatterns = [
    path("consent/clients/<int:client_id>/new/", views.consent_create, name="create"),
    path("consent/<int:consent_id>/revoke/", views.consent_revoke, name="revoke"),
    path("consent/<int:consent_id>/invite/", views.staff_family_invite, name="staff_invite"),
    path(
        "consent/messages/<int:message_id>/handled/",
        views.family_message_handle,
        name="message_handled",
    ),
    # The client's own consents and accounting of disclosures, on their phone.
    path("me/consents/", views.my_consents, name="my_consents"),
    path("me/consents/new/", views.my_consent_new, name="my_consent_new"),
    path("me/consents/<int:consent_id>/revoke/", views.my_consent_revoke, name="my_revoke"),
    path("me/consents/<int:consent_id>/invite/", views.my_consent_invite, name="my_invite"),
    path("me/disclosures/", views.my_disclosures, name="my_disclosures"),
    # The family view.
    path("family/", family_views.family_home, name="family_home"),
    path(
        "family/clients/<int:client_id>/download/",
        family_views.family_download,
        name="family_download",
    ),
    path(
        "family/clients/<int:client_id>/message/",
        family_views.family_message,
        name="family_message",
    ),
]
