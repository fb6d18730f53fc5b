""" "I need help now" over JSON, from the client's own app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.clients.selectors import client_for_user_account

from .. import services
from ..models import HelpRequest
from .serializers import valid_input as _valid


class HelpRequestInputSerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="Any id of this press from the client's app: the same key twice is one press.",
    )


class HelpRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = HelpRequest
        fields = ["id", "created_at", "alert", "staff_told", "contacts_texted"]
        read_only_fields = fields


class HelpRequestViewSet(viewsets.GenericViewSet):
    """ "I need help now" from the client's own app: a critical alert to their care team at once,
    texts to the contacts they chose; the answer says who was told. Clients only (403 else)."""

    serializer_class = HelpRequestSerializer
    queryset = HelpRequest.objects.none()

    @extend_schema(request=HelpRequestInputSerializer, responses={201: HelpRequestSerializer})
    def create(self, request):
        own = client_for_user_account(user=request.user)
        if own is None:
            raise PermissionDenied("Only a client asks for help here, for themself.")
        data = _valid(HelpRequestInputSerializer, request)
        item = services.help_request_record(
            actor=request.user, client=own, submission_key=data["key"]
        )
        return Response(HelpRequestSerializer(item).data, status=status.HTTP_201_CREATED)
