from django.urls import path

from . import views

app_name = "testing"

urlpatterns = [
    path("clients/<int:client_id>/testing/", views.client_testing, name="client"),
    path("clients/<int:client_id>/testing/policy/", views.policy_start, name="policy_start"),
    path(
        "clients/<int:client_id>/testing/policy/default/",
        views.policy_default,
        name="policy_default",
    ),
    path(
        "clients/<int:client_id>/testing/policy/<int:policy_id>/end/",
        views.policy_end,
        name="policy_end",
    ),
    path("clients/<int:client_id>/testing/tests/", views.selection_add, name="selection_add"),
    path(
        "clients/<int:client_id>/testing/tests/<int:selection_id>/excuse/",
        views.selection_excuse,
        name="selection_excuse",
    ),
    path(
        "clients/<int:client_id>/testing/collections/",
        views.collection_record,
        name="collection_record",
    ),
    path(
        "clients/<int:client_id>/testing/collections/<int:collection_id>/results/",
        views.result_record,
        name="result_record",
    ),
    path(
        "clients/<int:client_id>/testing/results/<int:result_id>/send/",
        views.result_send,
        name="result_send",
    ),
    path(
        "clients/<int:client_id>/testing/medications/",
        views.medication_add,
        name="medication_add",
    ),
    path("me/tests/", views.my_tests, name="mine"),
    path("testing/report/", views.report, name="report"),
]
