from django.urls import path

from . import views

app_name = "alumni"

urlpatterns = [
    path("me/alumni/", views.community, name="community"),
    path("me/alumni/join/", views.join, name="join"),
    path("me/alumni/leave/", views.leave, name="leave"),
    path("me/alumni/mentor/volunteer/", views.volunteer, name="volunteer"),
    path("me/alumni/mentor/<int:offer_id>/ask/", views.ask, name="ask"),
    path("me/alumni/matches/<int:match_id>/agree/", views.agree, name="agree"),
    path("me/alumni/events/<int:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path("me/alumni/help/", views.help_ask, name="help"),
    path("alumni/", views.staff, name="staff"),
    path("alumni/offers/<int:offer_id>/", views.offer_decide, name="offer_decide"),
    path("alumni/matches/<int:match_id>/", views.match_decide, name="match_decide"),
    path("alumni/members/<int:member_id>/suspend/", views.member_suspend, name="member_suspend"),
    path("alumni/<int:program_id>/announcements/", views.announcement_post, name="announce"),
    path("alumni/announcements/<int:item_id>/hide/", views.announcement_hide, name="hide"),
    path("alumni/<int:program_id>/events/", views.event_create, name="event_create"),
]
