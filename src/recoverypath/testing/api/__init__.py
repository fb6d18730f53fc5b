"""The testing API: policies, selections (random, for cause, scheduled), collections with their
results. The client reads their own; coordinators, clinicians and admins of the client's program
read and write; front desk, other programs and other organizations see nothing.

Split by subject: `policies`, `selections`, `specimens` (collections and results), each with its
serializers and views; the router is here."""

from __future__ import annotations

from django.urls import include, path

from recoverypath.core.routers import Router

from .policies import (
    PolicyEndSerializer,
    PolicyInputSerializer,
    PolicySerializer,
    PolicyUpdateSerializer,
    PolicyViewSet,
)
from .selections import (
    ExcuseSerializer,
    SelectionInputSerializer,
    SelectionSerializer,
    SelectionViewSet,
)
from .specimens import (
    CollectionInputSerializer,
    CollectionSerializer,
    CollectionViewSet,
    ResultInputSerializer,
    ResultSerializer,
    ResultViewSet,
)

router = Router()
router.register("testing-policies", PolicyViewSet, basename="testing-policy")
router.register("test-selections", SelectionViewSet, basename="test-selection")
router.register("test-collections", CollectionViewSet, basename="test-collection")
router.register("test-results", ResultViewSet, basename="test-result")

urlpatterns = [path("", include(router.urls))]

__all__ = [
    "CollectionInputSerializer",
    "CollectionSerializer",
    "CollectionViewSet",
    "ExcuseSerializer",
    "PolicyEndSerializer",
    "PolicyInputSerializer",
    "PolicySerializer",
    "PolicyUpdateSerializer",
    "PolicyViewSet",
    "ResultInputSerializer",
    "ResultSerializer",
    "ResultViewSet",
    "SelectionInputSerializer",
    "SelectionSerializer",
    "SelectionViewSet",
    "router",
    "urlpatterns",
]
