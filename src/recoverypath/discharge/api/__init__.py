"""/api/v1/ for discharge: plans (readiness, graduate), checklist items (`plans.py`), referrals
(transition) and external providers (`referrals.py`), discharge summaries (sign, share, PDF) and the
gap-in-care report (`summaries.py`)."""

from __future__ import annotations

from django.urls import include, path

from recoverypath.core.routers import Router

from .plans import ChecklistItemViewSet, DischargePlanViewSet
from .referrals import ExternalProviderViewSet, ReferralViewSet
from .summaries import DischargeSummaryViewSet, GapReportView

router = Router()
router.register("discharge-plans", DischargePlanViewSet, basename="discharge-plan")
router.register("discharge-items", ChecklistItemViewSet, basename="discharge-item")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("external-providers", ExternalProviderViewSet, basename="external-provider")
router.register("discharge-summaries", DischargeSummaryViewSet, basename="discharge-summary")

urlpatterns = [
    path("discharge-reports/gap/", GapReportView.as_view(), name="discharge-gap-report"),
    path("", include(router.urls)),
]
