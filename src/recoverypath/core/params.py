"""Shared pieces of every app's API: query-string ids parsed once (a bad value is a 400 naming
the parameter, never a database error) and lists that audit the client records they return."""

from __future__ import annotations

from datetime import date

from rest_framework import serializers

from .audit import audit_record_list

MAX_ID = 2**63 - 1  # the largest database id; beyond it SQLite overflows
# Any date a client's record can mean. Outside it a date is a typo or a probe, and years before
# 1900 come back from time zone conversion with offsets in seconds, which no client can parse.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


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


def plausible_date(value: date) -> None:
    """A DRF validator for every date and date-time in a request body (see CoreConfig.ready):
    400 outside EARLIEST_YEAR..LATEST_YEAR."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise serializers.ValidationError(
            f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="date_range"
        )


def require_plausible_dates() -> None:
    """Every DRF date and date-time field validates its year, unless it was given validators of
    its own (none is)."""
    serializers.DateField.default_validators = [plausible_date]
    serializers.DateTimeField.default_validators = [plausible_date]


class AuditedListMixin:
    """Lists write one audit event per client record on the page returned."""

    audit_client_attr = "client_id"

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page, client_id_attr=self.audit_client_attr)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
