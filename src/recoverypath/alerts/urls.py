from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/acknowledge/", views.acknowledge_many, name="acknowledge_many"),
    path("alerts/count/", views.open_count, name="open_count"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("alerts/<int:alert_id>/assign/", views.alert_assign, name="assign"),
    path("alerts/<int:alert_id>/resolve/", views.alert_resolve, name="resolve"),
    path("alerts/escalation/", views.escalation_policies, name="policies"),
    path(
        "alerts/escalation/<int:program_id>/",
        views.escalation_policy_edit,
        name="policy_edit",
    ),
]
