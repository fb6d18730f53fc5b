"""Aftercare over JSON: plans (`plans.py`, serializers in `serializers.py`) and the client's
"I need help now" (`help.py`)."""

from __future__ import annotations

from django.urls import include, path

from recoverypath.core.routers import Router

from .help import HelpRequestInputSerializer, HelpRequestSerializer, HelpRequestViewSet
from .plans import AftercarePlanViewSet

router = Router()
router.register("aftercare-plans", AftercarePlanViewSet, basename="aftercare-plan")
router.register("help-requests", HelpRequestViewSet, basename="help-request")

urlpatterns = [path("", include(router.urls))]

__all__ = [
    "AftercarePlanViewSet",
    "HelpRequestInputSerializer",
    "HelpRequestSerializer",
    "HelpRequestViewSet",
    "router",
    "urlpatterns",
]
