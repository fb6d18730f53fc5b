from django.urls import path

from . import views

app_name = "safety"

urlpatterns = [
    path("me/safety-plan/", views.my_plan, name="my_plan"),
    path("me/safety-plan/print/", views.my_plan_print, name="my_plan_print"),
    path("me/help/", views.my_help, name="my_help"),
    path("clients/<int:client_id>/safety-plan/", views.plan, name="plan"),
    path("clients/<int:client_id>/safety-plan/edit/", views.plan_edit, name="plan_edit"),
    path("clients/<int:client_id>/safety-plan/print/", views.plan_print, name="plan_print"),
    path(
        "clients/<int:client_id>/safety-plan/v<int:version>/",
        views.plan_version,
        name="plan_version",
    ),
    path("clients/<int:client_id>/safety-profile/", views.profile_set, name="profile_set"),
    path("safety/events/<int:event_id>/review/", views.review_complete, name="review_complete"),
]
