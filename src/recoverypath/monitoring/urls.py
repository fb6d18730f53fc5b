from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("me/check-in/", views.check_in, name="check_in"),
    path("me/check-ins/", views.history, name="history"),
    path("me/lapses/<int:lapse_id>/", views.lapse, name="lapse"),
    path("me/meetings/", views.meetings, name="meetings"),
    path("clients/<int:client_id>/check-ins/", views.staff_check_ins, name="staff_check_ins"),
]
