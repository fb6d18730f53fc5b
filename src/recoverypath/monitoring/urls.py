from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("me/check-in/", views.check_in, name="check_in"),
    path("me/check-ins/", views.history, name="history"),
    path("me/check-ins/<int:check_in_id>/", views.check_in_saved, name="check_in_saved"),
    path("me/check-ins/<int:check_in_id>/tell/", views.tell_coordinator, name="tell_coordinator"),
    path("me/lapses/<int:lapse_id>/", views.lapse, name="lapse"),
    path("me/meetings/", views.meetings, name="meetings"),
    path("clients/<int:client_id>/check-ins/", views.staff_check_ins, name="staff_check_ins"),
]
