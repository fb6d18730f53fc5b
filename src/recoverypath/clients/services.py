"""Writes to client records: permission check, validation, one transaction, audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.accounts.selectors import membership_exists
from recoverypath.accounts.services import user_language_set, user_preferred_name_set
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.phones import normalize_phone

from .models import Client, SupportContact
from .signals import care_team_changed

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User

CLIENT_FIELDS = [
    "program",
    "mrn",
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex_assigned_at_birth",
    "ethnicity",
    "race",
    "phone",
    "email",
    "time_zone",
    "primary_clinician",
    "coordinator",
    "sobriety_date",
]
CONTACT_FIELDS = ["name", "relationship", "phone", "kind", "is_emergency_contact"]


def _check_care_team(*, actor: User, program: Program, data: dict[str, Any]) -> None:
    """Clinician and coordinator must be staff of the client's program."""
    errors = {}
    for field, roles in (
        ("primary_clinician", ["clinician", "admin"]),
        ("coordinator", ["coordinator", "clinician", "admin"]),
    ):
        person = data.get(field)
        if person is None:
            continue
        if not membership_exists(user_id=person.pk, program_id=program.id, roles=roles):
            errors[field] = f"{person} is not a {' or '.join(roles)} of {program}."
    if errors:
        raise ValidationError(errors)


def _validate_and_save(client: Client) -> None:
    try:
        client.full_clean()
    except ValidationError as exc:
        raise _mrn_error_on_its_field(exc) from None
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:  # a concurrent insert won the MRN race
        raise ValidationError({"mrn": "This MRN is already in use in your organization."}) from exc


def _mrn_error_on_its_field(exc: ValidationError) -> ValidationError:
    """The MRN uniqueness constraint reports a form-wide error; put it on the `mrn` field."""
    if not hasattr(exc, "error_dict"):
        return exc
    taken = next(c for c in Client._meta.constraints if c.name == "client_mrn_unique")
    errors = dict(exc.error_dict)
    general = errors.pop(NON_FIELD_ERRORS, [])
    on_mrn = [e for e in general if taken.violation_error_message in e.messages]
    rest = [e for e in general if e not in on_mrn]
    if on_mrn:
        errors["mrn"] = [*errors.get("mrn", []), *on_mrn]
    if rest:
        errors[NON_FIELD_ERRORS] = rest
    return ValidationError(errors)


def client_create(*, actor: User, program: Program, **data: Any) -> Client:
    """Register a client in `program`. Raises PermissionDenied or ValidationError."""
    if not permissions.has_rank(actor, program.id, permissions.Rank.FRONT_DESK):
        raise PermissionDenied("You cannot register clients in this program.")
    if (
        data.get("primary_clinician") or data.get("coordinator")
    ) and not permissions.can_assign_care_team(actor, program.id):
        raise PermissionDenied("Only clinicians and admins assign the care team.")
    data["phone"] = _phone(data.get("phone", ""), "phone")
    _check_care_team(actor=actor, program=program, data=data)
    client = Client(organization_id=program.organization_id, program=program, **data)
    with transaction.atomic():
        _validate_and_save(client)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=client,
            client_id=client.id,
            organization_id=client.organization_id,
            changes=model_changes({}, snapshot(client, CLIENT_FIELDS)),
        )
    return client


def client_update(*, actor: User, client: Client, **data: Any) -> Client:
    """Change the fields given; `language` is the language of the client's login (pages and
    messages), refused for a client without one. Raises PermissionDenied or ValidationError."""
    if not permissions.can_edit_client(actor, client):
        raise PermissionDenied("You cannot change this client's record.")
    language = data.pop("language", None)
    if language and client.user is None:
        raise ValidationError({"language": "The client has no login to set a language for."})
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    program = data.get("program", client.program)
    if program.id != client.program_id and not (
        permissions.has_rank(actor, program.id, permissions.Rank.FRONT_DESK)
        and program.organization_id == client.organization_id
    ):
        raise ValidationError({"program": "Choose one of your organization's programs."})
    team_changed = any(
        field in data and getattr(client, f"{field}_id") != getattr(data[field], "id", None)
        for field in ("primary_clinician", "coordinator")
    )
    if team_changed and not permissions.can_assign_care_team(actor, program.id):
        raise PermissionDenied("Only clinicians and admins change the care team.")
    if "phone" in data:
        data["phone"] = _phone(data["phone"], "phone")
    _check_care_team(
        actor=actor,
        program=program,
        data={
            "primary_clinician": data.get("primary_clinician", client.primary_clinician),
            "coordinator": data.get("coordinator", client.coordinator),
        },
    )
    before = snapshot(client, CLIENT_FIELDS)
    previous_clinician_id = client.primary_clinician_id
    for name, value in data.items():
        setattr(client, name, value)
    changes = model_changes(before, snapshot(client, CLIENT_FIELDS))
    with transaction.atomic():
        _validate_and_save(client)
        if language and client.user is not None:
            previous_language = client.user.language
            if user_language_set(user=client.user, language=language):
                changes["language"] = [previous_language, language]
        if "preferred_name" in changes and client.user is not None:
            user_preferred_name_set(user=client.user, preferred_name=client.preferred_name)
        if client.primary_clinician_id != previous_clinician_id:
            care_team_changed.send(
                sender=Client,
                client=client,
                actor=actor,
                previous_clinician_id=previous_clinician_id,
            )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=client,
            client_id=client.id,
            organization_id=client.organization_id,
            changes=changes,
        )
    return client


def client_link_user(*, actor: User, client: Client, user: User) -> Client:
    """Give the client their own login (used by onboarding and the demo generator)."""
    if not permissions.can_edit_client(actor, client):
        raise PermissionDenied("You cannot change this client's record.")
    client.user = user
    client.save(update_fields=["user", "updated_at"])
    user_preferred_name_set(user=user, preferred_name=client.preferred_name)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=client,
        client_id=client.id,
        organization_id=client.organization_id,
        changes={"user": [None, user.id]},
    )
    return client


def _phone(value: str, field: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def support_contact_create(*, actor: User, client: Client, **data: Any) -> SupportContact:
    if not permissions.can_manage_support_contacts(actor, client):
        raise PermissionDenied("You cannot change this client's support contacts.")
    data["phone"] = _phone(data.get("phone", ""), "phone")
    contact = SupportContact(client=client, **data)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=contact,
            client_id=client.id,
            organization_id=client.organization_id,
            changes=model_changes({}, snapshot(contact, CONTACT_FIELDS)),
        )
    return contact


def support_contact_update(*, actor: User, contact: SupportContact, **data: Any) -> SupportContact:
    if not permissions.can_manage_support_contacts(actor, contact.client):
        raise PermissionDenied("You cannot change this client's support contacts.")
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    if "phone" in data:
        data["phone"] = _phone(data["phone"], "phone")
    before = snapshot(contact, CONTACT_FIELDS)
    for name, value in data.items():
        setattr(contact, name, value)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=contact,
            client_id=contact.client_id,
            organization_id=contact.client.organization_id,
            changes=model_changes(before, snapshot(contact, CONTACT_FIELDS)),
        )
    return contact


def support_contact_delete(*, actor: User, contact: SupportContact) -> None:
    if not permissions.can_manage_support_contacts(actor, contact.client):
        raise PermissionDenied("You cannot change this client's support contacts.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.DELETE,
            obj=contact,
            client_id=contact.client_id,
            organization_id=contact.client.organization_id,
            changes=model_changes(snapshot(contact, CONTACT_FIELDS), {}),
        )
        contact.delete()
