"""The alumni API (/api/v1/): the community (membership, directory, help, announcements,
events) and mentor matching, over the same services and selectors as the alumni pages."""

from __future__ import annotations

from django.urls import include, path

from recoverypath.core.routers import Router

from .community import (
    AnnouncementViewSet,
    DirectoryView,
    EventViewSet,
    HelpView,
    LeaveView,
    MembershipView,
    MemberViewSet,
)
from .mentoring import MentorMatchViewSet, MentorOfferViewSet, MentorViewSet

router = Router()
router.register("alumni-announcements", AnnouncementViewSet, basename="alumni-announcement")
router.register("alumni-events", EventViewSet, basename="alumni-event")
router.register("alumni-members", MemberViewSet, basename="alumni-member")
router.register("alumni-mentors", MentorViewSet, basename="alumni-mentor")
router.register("alumni-mentor-offers", MentorOfferViewSet, basename="alumni-mentor-offer")
router.register("alumni-mentor-matches", MentorMatchViewSet, basename="alumni-mentor-match")

urlpatterns = [
    path("alumni/membership/", MembershipView.as_view(), name="api-alumni-membership"),
    path("alumni/membership/leave/", LeaveView.as_view(), name="api-alumni-leave"),
    path("alumni/directory/", DirectoryView.as_view(), name="api-alumni-directory"),
    path("alumni/help/", HelpView.as_view(), name="api-alumni-help"),
    path("", include(router.urls)),
]
