from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("care/clients/<int:client_id>/enroll/", views.enroll, name="enroll"),
    path("care/episodes/<int:episode_id>/transition/", views.transition, name="transition"),
    path("care/episodes/<int:episode_id>/finish/", views.finish, name="finish"),
]
