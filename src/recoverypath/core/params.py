"""Shared pieces of every app's API: query-string ids parsed once (a bad value is a 400 naming
the parameter, never a database error) and lists that audit the client records they return."""

from __future__ import annotations

from rest_framework import serializers

from .audit import audit_record_list

MAX_ID = 2**63 - 1  # the largest database id; beyond it SQLite overflows


def id_param(params, name: str) -> int | None:
    """The whole-number id in `params[name]`, None when absent or blank; 400 when malformed."""
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise serializers.ValidationError({name: ["Must be a whole number."]}) from exc
    if not 0 < number <= MAX_ID:
        raise serializers.ValidationError({name: ["No such id."]})
    return number


class IdField(serializers.IntegerField):
    """A database id in a request body: a whole number from 1 to MAX_ID, else a 400."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class AuditedListMixin:
    """Lists write one audit event per client record on the page returned."""

    audit_client_attr = "client_id"

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page, client_id_attr=self.audit_client_attr)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
