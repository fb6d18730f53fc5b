from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("clients/<int:client_id>/aftercare/new/", views.plan_start, name="plan_start"),
    path("aftercare/plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("aftercare/plans/<int:plan_id>/components/", views.component_add, name="component_add"),
    path("aftercare/plans/<int:plan_id>/contacts/", views.contact_log, name="contact_log"),
    path("aftercare/plans/<int:plan_id>/goals/", views.goal_add, name="goal_add"),
    path(
        "aftercare/plans/<int:plan_id>/goals/<int:goal_id>/notes/",
        views.goal_note,
        name="goal_note",
    ),
    path(
        "aftercare/plans/<int:plan_id>/check-ins/",
        views.check_in_schedule,
        name="check_in_schedule",
    ),
    path(
        "aftercare/plans/<int:plan_id>/check-ins/<int:check_in_id>/",
        views.check_in_record,
        name="check_in_record",
    ),
    path("aftercare/plans/<int:plan_id>/extend/", views.plan_extend, name="extend"),
    path("aftercare/plans/<int:plan_id>/step-up/", views.plan_step_up, name="step_up"),
    path("aftercare/plans/<int:plan_id>/complete/", views.plan_complete, name="complete"),
    path("aftercare/plans/<int:plan_id>/resume/", views.plan_resume, name="resume"),
    path("me/plan/", views.my_plan, name="my_plan"),
    path("me/support/", views.support, name="support"),
    path("me/help-now/", views.help_now, name="help"),
]
