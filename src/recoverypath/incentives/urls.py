from django.urls import path

from . import views

app_name = "incentives"

urlpatterns = [
    path("clients/<int:client_id>/rewards/", views.client_rewards, name="client"),
    path("clients/<int:client_id>/rewards/awards/", views.award_record, name="award"),
    path("clients/<int:client_id>/rewards/redemptions/", views.redemption_record, name="redeem"),
    path("me/rewards/", views.my_rewards, name="mine"),
    path("rewards/schedules/", views.schedules, name="schedules"),
    path("rewards/schedules/<int:program_id>/", views.schedule_edit, name="schedule"),
]
