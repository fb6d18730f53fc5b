"""Ids in request bodies resolve only within the caller's reach.

Every id field of every serializer and form goes through one helper (core.params: ScopedIdField,
ScopedIdListField, ScopedChoiceField over a Reach), found by walking the classes, so a new field
cannot slip past. Then, on two demo organizations, every write endpoint of the API (enumerated
from the OpenAPI generator) is sent someone else's id in each of its id fields: each is refused
with the same "Not found." as an id that does not exist, and no answer names the other person.
"""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from recoverypath.accounts.models import Membership, Organization, Role, User
from recoverypath.core.params import (
    NOT_FOUND,
    IdField,
    ScopedChoiceField,
    ScopedIdField,
    ScopedIdListField,
)
from recoverypath.scheduling.models import SessionType
from recoverypath.testing.models import TestPanel
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

MISSING = 2**62  # a well-formed id no row has


def _app_modules(name: str) -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("recoverypath."):
            try:
                importlib.import_module(f"{config.name}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{name}":
                    raise


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _looks_like_an_id(name: str, field) -> bool:
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    return (
        isinstance(field, serializers.RelatedField | serializers.ManyRelatedField | IdField)
        or isinstance(child, serializers.RelatedField | IdField)
        or name.endswith(("_id", "_ids"))
        or name == "ids"
    )


# Ids that name a row of one of several models (chosen by another field), which no single Reach
# can express. Each is resolved in its service through the owning app's selectors, within the
# already scoped client, and anything else is refused with the same "Not found." (the test named
# in each reason shows it).
POLYMORPHIC_IDS = {
    "recoverypath.incentives.api.AwardInputSerializer.source_id": (
        "a collection, session, check-in or coordinator check-in by `behaviour`; "
        "incentives.services.award_record resolves it through incentives.sources for the scoped "
        "client (tests/incentives/test_access_and_pages.py, a record of another client)"
    ),
    "recoverypath.incentives.forms.AwardForm.source_id": (
        "the same source id on the web form; the service's 'Not found.' lands on the field"
    ),
}


def test_every_writable_id_field_of_every_serializer_is_scoped():
    _app_modules("api")
    found, unscoped = 0, []
    for cls in set(_subclasses(serializers.Serializer)):
        if not cls.__module__.startswith("recoverypath."):
            continue
        for name, field in cls().fields.items():
            if field.read_only or not _looks_like_an_id(name, field):
                continue
            found += 1
            dotted = f"{cls.__module__}.{cls.__name__}.{name}"
            if not isinstance(field, ScopedIdField | ScopedIdListField) and (
                dotted not in POLYMORPHIC_IDS
            ):
                unscoped.append(dotted)
    assert unscoped == []
    assert found >= 25


def test_every_id_field_of_every_form_is_scoped():
    _app_modules("forms")
    found, unscoped = 0, []
    for cls in set(_subclasses(forms.BaseForm)):
        if not cls.__module__.startswith("recoverypath."):
            continue
        for name, field in getattr(cls, "base_fields", {}).items():
            is_id = isinstance(field, forms.ModelChoiceField) or name.endswith(("_id", "_ids"))
            if not is_id:
                continue
            found += 1
            dotted = f"{cls.__module__}.{cls.__name__}.{name}"
            if not isinstance(field, ScopedChoiceField) and dotted not in POLYMORPHIC_IDS:
                unscoped.append(dotted)
    assert unscoped == []
    assert found >= 20


# --- Foreign ids in every id field of every write endpoint ---------------------------------------

TODAY = "2026-03-02 15:00:00+00:00"
LEAK = "Leakcheck"  # the surname of the other organization's people: must never be echoed


@pytest.fixture
def two_orgs(db):
    """Demo organizations 1 (the caller's) and 2 (everyone else), plus two people of 2 with a
    surname that would show any leak."""
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", clients=8, seed=1, stdout=StringIO())
        call_command("demo", clients=8, seed=2, stdout=StringIO())
        theirs = Organization.objects.get(slug="demo-2")
        program = theirs.programs.order_by("id").first()
        stranger = UserFactory(first_name="Zebulon", last_name=LEAK)
        Membership.objects.create(user=stranger, program=program, role=Role.CLINICIAN)
        ClientFactory(program=program, first_name="Xanthe", last_name=LEAK)
        TestPanel.objects.create(  # the demo has only the standard panels, shared by all
            program=program,
            code="leakcheck",
            name=f"{LEAK} panel",
            specimen_type="urine",
            cutoffs={"marijuana": {"screen": "50", "confirm": "15"}},
        )
        yield Organization.objects.get(slug="demo-1"), theirs


def _organization_filter(model, org) -> dict:
    """How to find `model` rows of `org` (tried in order)."""
    names = {f.name for f in model._meta.get_fields()}
    for lookup, needs in (
        ("organization", "organization"),
        ("program__organization", "program"),
        ("client__organization", "client"),
        ("session__program__organization", "session"),
        ("plan__client__organization", "plan"),
        ("memberships__program__organization", "memberships"),
        ("recipient__memberships__program__organization", "recipient"),
        ("member__program__organization", "member"),  # alumni: a mentor offer
    ):
        if needs in names:
            return {lookup: org}
    raise AssertionError(f"Tell the test how to find {model.__name__} rows of an organization")


def _foreign(model, theirs):
    if model is User:
        return User.objects.get(last_name=LEAK)
    if model._meta.label_lower == "clients.client":
        return model.objects.get(last_name=LEAK)
    row = model.objects.filter(**_organization_filter(model, theirs)).order_by("id").first()
    if row is None and model._meta.label_lower == "notifications.notification":
        from recoverypath.notifications.models import Notification

        row = Notification.objects.create(
            recipient=User.objects.get(last_name=LEAK), subject="x", body="x"
        )
    if row is None and model._meta.label_lower == "alumni.mentoroffer":
        row = _approved_mentor(theirs)
    assert row is not None, f"the demo has no {model.__name__} of the other organization"
    return row


def _approved_mentor(org):
    """The demo has no alumni: an approved mentor of `org` (its Leakcheck client, so any leak
    of the mentor's name shows)."""
    from recoverypath.alumni.models import Member, MentorOffer
    from recoverypath.clients.models import Client

    client = Client.objects.get(last_name=LEAK, organization=org)
    member = Member.objects.create(client=client, program=client.program, listed=True)
    return MentorOffer.objects.create(member=member, status="approved")


# Where a write endpoint needs an object of the caller's own in its path: the model behind each
# path prefix. A new endpoint with an id field and a path argument must be added here.
PATH_MODELS = {
    "clients": "clients.Client",
    "support-contacts": "clients.SupportContact",
    "clinical-notes": "scheduling.ClinicalNote",
    "groups": "scheduling.Group",
    "sessions": "scheduling.Session",
    "alerts": "alerts.Alert",
    "aftercare-plans": "aftercare.AftercarePlan",
    "discharge-summaries": "discharge.DischargeSummary",
    "testing-policies": "testing.TestingPolicy",
}
# Fields fixed once the object exists (read only on update): a foreign id there is ignored,
# never applied; the test checks that instead of a 400.
FIXED_ON_UPDATE = {
    ("support-contacts", "client"),
    ("clinical-notes", "session"),
    ("clinical-notes", "client"),
}


def _own_object(prefix: str, ours):
    label = PATH_MODELS.get(prefix)
    assert label, f"PATH_MODELS: which model is behind /api/v1/{prefix}/<id>/ ?"
    model = apps.get_model(label)
    queryset = model.objects.filter(**_organization_filter(model, ours)).order_by("id")
    if prefix == "sessions":  # attendance needs a session with clients on its roster
        queryset = queryset.filter(group__isnull=False)
    row = queryset.first()
    assert row is not None, f"the demo has no {model.__name__} of the caller's organization"
    return row


def _scoped_fields(serializer, prefix=""):
    """[(dotted name, field)] of the ScopedIdFields a request serializer accepts."""
    out = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, ScopedIdField | ScopedIdListField):
            out.append((prefix + name, field))
        elif isinstance(field, serializers.ListSerializer):
            out += _scoped_fields(field.child, f"{prefix}{name}[0].")
        elif isinstance(field, serializers.Serializer):
            out += _scoped_fields(field, f"{prefix}{name}.")
    return out


def _write_endpoints():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if method == "GET":
            continue
        # What the generator sets before it reads an operation (extend_schema(methods=...) asks).
        view.schema.method, view.schema.path = method, path
        serializer = view.schema.get_request_serializer()
        if isinstance(serializer, type):
            serializer = serializer()
        if isinstance(serializer, serializers.Serializer):
            fields = _scoped_fields(serializer)
            if fields:
                yield path, method, fields


def _body(dotted: str, field, value) -> dict:
    value = [value] if isinstance(field, ScopedIdListField) else value
    if "[0]." in dotted:
        outer, inner = dotted.split("[0].")
        return {outer: [{inner: value}]}
    return {dotted: value}


def _error_keys(dotted: str, field) -> set[str]:
    """Names the error shape may give the field (nested lists: "rows[0].x" or "rows.0.x")."""
    if isinstance(field, ScopedIdListField):
        return {f"{dotted}.0"}
    return {dotted, dotted.replace("[0].", ".0.")}


def test_foreign_ids_in_every_id_field_are_not_found_and_name_nobody(two_orgs):
    ours, theirs = two_orgs
    caller = User.objects.get(email="admin@demo.example.org")
    api = api_as(caller)
    endpoints = list(_write_endpoints())
    assert len(endpoints) >= 20
    tried, failures = 0, []
    for path, method, fields in endpoints:
        url = path
        prefix = path.split("/")[3]
        if "{id}" in path:
            url = path.replace("{id}", str(_own_object(prefix, ours).pk))
        for dotted, field in fields:
            foreign = _foreign(field.reach.model, theirs)
            answers = {}
            for label, value in (("foreign", foreign.pk), ("missing", MISSING)):
                response = getattr(api, method.lower())(
                    url, _body(dotted, field, value), format="json"
                )
                answers[label] = response
                text = response.content.decode()
                if LEAK in text or (isinstance(foreign, User) and foreign.get_full_name() in text):
                    failures.append((method, path, dotted, label, "names someone"))
            tried += 1
            if "{id}" in path and (prefix, dotted) in FIXED_ON_UPDATE:
                row = _own_object(prefix, ours)
                value = getattr(row, f"{dotted}_id")
                row.refresh_from_db()
                if getattr(row, f"{dotted}_id") != value or value == foreign.pk:
                    failures.append((method, path, dotted, "foreign id applied"))
                continue
            for label, response in answers.items():
                errors = (
                    response.json().get("error", {}).get("fields", {})
                    if response.status_code == 400
                    else None
                )
                if errors is None or not any(
                    errors.get(key) == [NOT_FOUND] for key in _error_keys(dotted, field)
                ):
                    failures.append(
                        (method, path, dotted, label, response.status_code, str(errors)[:200])
                    )
    assert failures == []
    assert tried >= 30


def test_a_foreign_facilitator_is_not_found_and_not_named(two_orgs):
    """The probe from the issue: booking with another organization's user as facilitator."""
    ours, _theirs = two_orgs
    caller = User.objects.get(email="admin@demo.example.org")
    stranger = User.objects.get(last_name=LEAK)
    client = ours.clients.order_by("id").first()
    response = api_as(caller).post(
        "/api/v1/sessions/",
        {
            "client": client.id,
            "facilitator": stranger.id,
            "session_type": SessionType.INDIVIDUAL_COUNSELING,
            "starts_at": "2030-01-07T15:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"facilitator": [NOT_FOUND]}
    assert stranger.first_name not in response.content.decode()


def test_a_form_refuses_a_foreign_id_with_the_same_message(cast, client):
    client.force_login(cast.clinician)
    response = client.post(
        "/schedule/book/",
        {
            "client": cast.outsider_client.id,
            "facilitator": cast.outsider.id,
            "session_type": SessionType.INDIVIDUAL_COUNSELING,
            "date": "2030-01-07",
            "time": "10:00",
            "duration_minutes": 50,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["client"] == [NOT_FOUND]
    assert form.errors["facilitator"] == [NOT_FOUND]
    assert "Otto" not in response.content.decode()
