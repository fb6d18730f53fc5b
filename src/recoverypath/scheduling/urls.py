from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("schedule/", views.day_view, name="day"),
    path("schedule/week/", views.week_view, name="week"),
    path("schedule/book/", views.book, name="book"),
    path("schedule/holidays/", views.holidays, name="holidays"),
    path("schedule/groups/", views.group_list, name="groups"),
    path("schedule/groups/new/", views.group_create, name="group_create"),
    path("schedule/groups/<int:group_id>/", views.group_detail, name="group"),
    path(
        "schedule/enrollments/<int:enrollment_id>/end/",
        views.enrollment_end,
        name="enrollment_end",
    ),
    path("schedule/sessions/<int:session_id>/", views.session_detail, name="session"),
    path(
        "schedule/sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="attendance",
    ),
    path("schedule/sessions/<int:session_id>/move/", views.session_move, name="move"),
    path("schedule/sessions/<int:session_id>/cancel/", views.session_cancel, name="cancel"),
    path(
        "schedule/sessions/<int:session_id>/notes/<int:client_id>/",
        views.note_new,
        name="note_new",
    ),
    path("schedule/notes/<int:note_id>/", views.note_detail, name="note"),
    path(
        "schedule/clients/<int:client_id>/sessions.ics",
        views.client_calendar_ics,
        name="client_ics",
    ),
    path("schedule/my-sessions.ics", views.my_calendar_ics, name="my_ics"),
]
