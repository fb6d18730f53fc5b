"""Shared pieces of every app's API and forms: query-string ids parsed once (a bad value is a 400
naming the parameter, never a database error), ids in request bodies resolved only within the
caller's reach (ScopedIdField, ScopedChoiceField), and lists that audit the client records they
return."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .audit import audit_record_list

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # The AUTH_USER_MODEL as django-stubs resolves it: core names no app that comes after it.
    from django.contrib.auth.models import _User as User

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


class AuditedListMixin:
    """Lists write one audit event per client record on the page returned."""

    audit_client_attr = "client_id"

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page, client_id_attr=self.audit_client_attr)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- Ids in request bodies: resolved only within the caller's reach ---------------------------

NOT_FOUND = "Not found."


@dataclass(frozen=True)
class Reach:
    """What an id of one kind may name for a user: `within(user)` is the queryset of the `model`
    rows the user may reach. Each app declares its reaches in its selectors; every id field of a
    serializer (ScopedIdField) or a form (ScopedChoiceField) resolves through one of them."""

    model: type[models.Model]
    within: Callable[[Any], QuerySet]

    def queryset_for(self, user: User | AnonymousUser | None) -> QuerySet:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.model._default_manager.none()
        return self.within(user)


def _resolve(queryset: QuerySet, value: Any) -> models.Model | None:
    """The row of `queryset` (what a user may reach) that `value` names, else None: malformed,
    missing and someone else's ids are all the same None."""
    number = _as_id(value)
    if number is None:
        return None
    return queryset.filter(pk=number).first()


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 19:
            return None
    elif not isinstance(value, int):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class ScopedIdField(serializers.PrimaryKeyRelatedField):
    """An id in a request body that names only what the caller may reach (`reach`): a foreign,
    missing or malformed id is a 400 with the one message "Not found.", never a name or a hint."""

    default_error_messages = {
        "required": "This field is required.",
        "null": "This field may not be null.",
        "not_found": NOT_FOUND,
    }

    def __init__(self, reach: Reach, **kwargs):
        self.reach = reach
        if not kwargs.get("read_only"):
            # The model (for the schema); the rows come from get_queryset() per request.
            kwargs.setdefault("queryset", reach.model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        if request is None:
            raise RuntimeError(f"{self.field_name}: pass the request in the serializer context.")
        return self.reach.queryset_for(request.user)

    def to_internal_value(self, data):
        found = _resolve(self.get_queryset(), data)
        if found is None:
            self.fail("not_found")
        return found


class ScopedChoiceField(forms.ModelChoiceField):
    """The form twin of ScopedIdField: choices are what the user may reach (set by
    `scope_form(form, user)`; a form may narrow them further), and any other value is
    "Not found."."""

    default_error_messages = {"invalid_choice": NOT_FOUND}

    def __init__(self, reach: Reach, **kwargs):
        self.reach = reach
        super().__init__(queryset=reach.model._default_manager.none(), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = _resolve(self.queryset, value)
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


class ScopedMultipleChoiceField(ScopedChoiceField, forms.ModelMultipleChoiceField):
    """Several ids in a form (checkboxes), each resolved like ScopedChoiceField, all in one
    query: any value out of reach, missing or malformed is the one "Not found."."""

    default_error_messages = {
        "invalid_choice": NOT_FOUND,
        "invalid_list": "Enter a list of values.",
    }

    def to_python(self, value):
        if not value:
            return []
        numbers = [_as_id(item) for item in value]
        found = self.queryset.in_bulk([n for n in numbers if n is not None])
        if any(n is None or n not in found for n in numbers):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return [found[n] for n in dict.fromkeys(numbers)]

    def clean(self, value):
        value = self.prepare_value(value)
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        chosen = self.to_python(value)
        self.run_validators(value)
        return self.queryset.filter(pk__in=[row.pk for row in chosen])


def scope_form(form: forms.BaseForm, user: User | AnonymousUser, **narrower: QuerySet) -> None:
    """Narrow every ScopedChoiceField of `form` to what `user` may reach, and those named in
    `narrower` further to the rows of that queryset (in its order): a narrower choice can never
    offer, nor accept, anything out of the user's reach."""
    for name, field in form.fields.items():
        if not isinstance(field, ScopedChoiceField):
            continue
        queryset = field.reach.queryset_for(user)
        within = narrower.get(name)
        if within is not None:
            queryset = queryset.filter(pk__in=within.values("pk"))
            if within.query.order_by:
                queryset = queryset.order_by(*within.query.order_by)
        field.queryset = queryset


@extend_schema_field(OpenApiTypes.INT)
class _RawId(serializers.Field):
    """An item of ScopedIdListField, passed through as sent: the list judges all at once."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ScopedIdListField(serializers.ListField):
    """A list of ids, each resolved like ScopedIdField, all in one query; each bad one is
    "Not found." at its index."""

    def __init__(self, reach: Reach, **kwargs):
        self.reach = reach
        kwargs.setdefault("child", _RawId())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        request = self.context.get("request")
        if request is None:
            raise RuntimeError(f"{self.field_name}: pass the request in the serializer context.")
        numbers = [_as_id(item) for item in items]
        found = self.reach.queryset_for(request.user).in_bulk([n for n in numbers if n is not None])
        errors = {i: [NOT_FOUND] for i, n in enumerate(numbers) if n is None or n not in found}
        if errors:
            raise serializers.ValidationError(errors)
        return [found[n] for n in numbers]


# --- Dates in request bodies ------------------------------------------------------------------


def validate_plausible_date(value) -> None:
    """Dates and times of care fall between 1900 and 2200: anything else is a typo (year 417,
    year 9999) that would break arithmetic on it later (a plan end, a time zone shift)."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise serializers.ValidationError(
            f"Use a date between {EARLIEST_YEAR}-01-01 and {LATEST_YEAR}-12-31."
        )


def validate_64_bit(value) -> None:
    """No integer column holds more than 64 bits: a larger number is the field's own 400."""
    if value is not None and not -MAX_ID - 1 <= value <= MAX_ID:
        raise serializers.ValidationError("Must be a whole number of at most 19 digits.")


def bound_api_numbers() -> None:
    """Every IntegerField of every serializer refuses numbers beyond 64 bits (a database error
    otherwise); installed with bound_api_dates()."""
    _add_default_validator(serializers.IntegerField, validate_64_bit)


def bound_api_dates() -> None:
    """Every DateField and DateTimeField of every serializer (declared or generated from a
    model) checks the range: one rule at DRF's base classes, installed from CoreConfig.ready()
    rather than repeated on some sixty fields."""
    for field_class in (serializers.DateField, serializers.DateTimeField):
        _add_default_validator(field_class, validate_plausible_date)


def _add_default_validator(field_class: Any, validator: Callable[[Any], None]) -> None:
    """Append `validator` to the class-level list every instance of `field_class` starts from
    (once). `Any`: DRF's stubs declare `default_validators` on instances of a generic Field,
    and mypy refuses reading a generic instance variable through the class."""
    if validator not in field_class.default_validators:
        field_class.default_validators = [*field_class.default_validators, validator]
