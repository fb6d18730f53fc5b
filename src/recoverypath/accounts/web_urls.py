from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("staff/two-factor/", views.staff_two_factor, name="two_factor"),
    path(
        "staff/programs/<int:program_id>/sign-in/",
        views.program_sign_in,
        name="program_sign_in",
    ),
    path(
        "staff/two-factor/<int:user_id>/reset/",
        views.staff_two_factor_reset,
        name="two_factor_reset",
    ),
    path("staff/", views.program_list, name="programs"),
    path("staff/programs/<int:program_id>/", views.program_staff, name="program_staff"),
    path("staff/members/<int:membership_id>/role/", views.membership_role, name="membership_role"),
    path(
        "staff/members/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
