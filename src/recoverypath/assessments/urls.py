from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("me/assessments/", views.my_list, name="my_list"),
    path("me/assessments/mode/", views.fill_mode, name="fill_mode"),
    path("me/assessments/results/<int:assessment_id>/", views.my_result, name="my_result"),
    path("me/assessments/<str:code>/", views.my_fill, name="my_fill"),
    path("clients/<int:client_id>/assessments/", views.client_scores, name="client_scores"),
    path(
        "clients/<int:client_id>/assessments/<int:assessment_id>/",
        views.detail,
        name="detail",
    ),
    path(
        "clients/<int:client_id>/assessments/new/<str:code>/",
        views.staff_enter,
        name="staff_enter",
    ),
    path("assessments/scores/", views.scores_caseload, name="scores"),
    path("assessments/schedules/", views.schedules, name="schedules"),
    path(
        "assessments/schedules/<int:program_id>/<str:code>/",
        views.schedule_edit,
        name="schedule_edit",
    ),
]
