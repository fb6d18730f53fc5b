from django.urls import path

from . import views

app_name = "discharge"

urlpatterns = [
    path("discharge/", views.plan_list, name="plans"),
    path("discharge/plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("discharge/plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("discharge/plans/<int:plan_id>/items/<slug:kind>/", views.item_edit, name="item"),
    path("discharge/plans/<int:plan_id>/graduate/", views.graduate, name="graduate"),
    path("discharge/plans/<int:plan_id>/alumni/", views.alumni_respond, name="alumni"),
    path(
        "discharge/clients/<int:client_id>/referrals/new/",
        views.referral_create,
        name="referral_create",
    ),
    path("discharge/referrals/<int:referral_id>/", views.referral_move, name="referral"),
    path("discharge/summaries/<int:summary_id>/", views.summary_detail, name="summary"),
    path("discharge/summaries/<int:summary_id>/pdf/", views.summary_download, name="summary_pdf"),
    path("discharge/summaries/<int:summary_id>/sign/", views.summary_sign, name="summary_sign"),
    path(
        "discharge/summaries/<int:summary_id>/refresh/",
        views.summary_regenerate,
        name="summary_refresh",
    ),
    path("discharge/summaries/<int:summary_id>/share/", views.summary_share, name="summary_share"),
    path("discharge/providers/", views.provider_list, name="providers"),
    path("discharge/providers/new/", views.provider_create, name="provider_create"),
    path("discharge/providers/<int:provider_id>/edit/", views.provider_edit, name="provider_edit"),
    path("discharge/report/gap/", views.gap_report, name="gap_report"),
]
