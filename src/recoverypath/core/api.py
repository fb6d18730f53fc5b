"""The staff member's to-do list, as assembled from every app (core.todo); the shape of an audit
event (accounts serves the audit log: it knows who administers which program)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView

from . import permissions
from .models import AuditEvent
from .todo import todo_audit, todo_list


class AuditEventSerializer(serializers.ModelSerializer):
    """One audit event as the audit log API shows it (read only)."""

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_email",
            "action",
            "object_type",
            "object_id",
            "client_id",
            "changes",
            "ip_address",
            "path",
        ]
        read_only_fields = fields


class TodoItemSerializer(serializers.Serializer):
    # DRF's metaclass takes declared fields off the class, so this never shadows Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField()
    kind = serializers.CharField()
    priority = serializers.ChoiceField(choices=["urgent", "high", "normal", "low"])
    due = serializers.DateTimeField(allow_null=True)
    client_name = serializers.CharField()


class TodoView(GenericAPIView):
    """What the caller owes, most pressing first: unsigned notes, safety plans to review...
    (staff only; paginated)."""

    serializer_class = TodoItemSerializer

    @extend_schema(responses=TodoItemSerializer(many=True))
    def get(self, request):
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied("The to-do list is for program staff.")
        page = self.paginate_queryset(todo_list(user=request.user))
        todo_audit(user=request.user, items=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


urlpatterns = [path("todo/", TodoView.as_view(), name="api-todo")]
