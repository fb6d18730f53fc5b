"""API for groups, sessions, bookings, attendance and clinical notes (same rules as the pages),
one module per subject; the router is here."""

from __future__ import annotations

from django.urls import include, path

from recoverypath.core.routers import Router

from .groups import EnrollmentViewSet, GroupViewSet
from .notes import NoteViewSet
from .rooms import HolidayViewSet, RoomViewSet
from .sessions import SessionViewSet
from .summary import AttendanceSummaryViewSet

router = Router()
router.register("rooms", RoomViewSet, basename="room")
router.register("holidays", HolidayViewSet, basename="holiday")
router.register("groups", GroupViewSet, basename="group")
router.register("group-enrollments", EnrollmentViewSet, basename="group-enrollment")
router.register("sessions", SessionViewSet, basename="session")
router.register("clinical-notes", NoteViewSet, basename="clinical-note")
router.register("attendance-summary", AttendanceSummaryViewSet, basename="attendance-summary")

urlpatterns = [path("", include(router.urls))]
