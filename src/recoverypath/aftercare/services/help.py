"""The client's side: whom to text on "I need help now", and the help request itself."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.accounts.languages import recipient_language
from recoverypath.alerts.selectors import alert_notified_people
from recoverypath.alerts.services import alert_raise
from recoverypath.core.audit import Action
from recoverypath.notifications.services import notification_text_queue
from recoverypath.safety.services import safety_event_record

from .. import selectors, signals
from ..models import (
    HelpRequest,
    SupportPreferences,
)
from ..permissions import can_ask_for_help, can_choose_help_contacts
from .shared import audit as _audit

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client, SupportContact


def support_preferences_set(
    *, actor: User, client: Client, text_on_help: list[SupportContact]
) -> SupportPreferences:
    """The client chooses whom else to text when they press "I need help now" (their care team
    is always told). Only their own contacts with a phone number (ValidationError otherwise)."""
    if not can_choose_help_contacts(actor, client):
        raise PermissionDenied("Only the client sets this.")
    allowed = {c.id for c in selectors.textable_contacts(client=client)}
    chosen = {c.id for c in text_on_help}
    if chosen - allowed:
        raise ValidationError(
            {"text_on_help": "Choose among your own contacts who have a phone number."}
        )
    with transaction.atomic():
        prefs, _ = SupportPreferences.objects.get_or_create(client=client)
        before = sorted(prefs.text_on_help.values_list("id", flat=True))
        prefs.text_on_help.set(sorted(chosen))
        prefs.save(update_fields=["updated_at"])
        _audit(actor, prefs, client, Action.UPDATE, {"text_on_help": [before, sorted(chosen)]})
    return prefs


def _role_of(person, client: Client) -> str:
    roles = []
    if person.id == client.primary_clinician_id:
        roles.append("your clinician")
    if person.id == client.coordinator_id:
        roles.append("your coordinator")
    return " and ".join(roles) or "program lead"


def help_request_record(*, actor: User, client: Client, submission_key: str = "") -> HelpRequest:
    """The client pressed "I need help now". Every client with a login may; nothing to opt into.

    1. Only the client themself (PermissionDenied). `submission_key` comes from the page they
       pressed on: the same key again (a double tap) returns the first request unchanged.
    2. In one transaction: the request; a critical alert that tells the care team at once
       (primary clinician and coordinator, or the admins when there is neither) through quiet
       hours and pages until acknowledged; a safety event (the clinician's "review safety
       plan"); a text to each support contact the client chose.
    3. The request keeps who was told, by name and role, for the client's page.
    """
    if not can_ask_for_help(actor, client):
        raise PermissionDenied("Only the client can ask for help here.")
    key = (submission_key or "").strip()[:64]
    with transaction.atomic():
        if key:
            existing = HelpRequest.objects.filter(client=client, submission_key=key).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                item = HelpRequest.objects.create(client=client, submission_key=key)
        except IntegrityError:  # the other tap of a double tap won the insert
            return HelpRequest.objects.get(client=client, submission_key=key)
        local = timezone.localtime(item.created_at, ZoneInfo(client.time_zone))
        alert = alert_raise(
            client=client,
            kind="aftercare.help_requested",
            severity="critical",
            reason=(
                f'{client.display_name} pressed "I need help now" at {local:%H:%M} their time. '
                "Call them now; if you cannot reach them, follow the safety protocol."
            ),
            dedup_key=f"aftercare:help-now:{item.id}",
            source=item,
            source_url=reverse("clients:detail", args=[client.id]),
            actor=actor,
        )
        texted = []
        prefs = selectors.support_preferences_get(client=client)
        contacts = list(prefs.text_on_help.exclude(phone="")) if prefs else []
        for contact in contacts:
            try:
                notification_text_queue(
                    phone=contact.phone,
                    template="aftercare.help_contact",
                    external={"first_name": client.first_name},
                    critical=True,
                    source=item,
                    language=recipient_language(client.user),
                )
            except ValidationError:  # a number that cannot be texted: the page says so
                continue
            texted.append(contact.name)
        safety_event_record(
            client=client,
            kind="other",  # safety's SafetyEvent.Kind.OTHER
            source=item,
            summary='Pressed "I need help now"',
            source_url=reverse("clients:detail", args=[client.id]),
            actor=actor,
            occurred_at=item.created_at,
        )
        item.alert = alert
        item.staff_told = [
            {"name": person.get_full_name() or person.email, "role": _role_of(person, client)}
            for person in alert_notified_people(alert=alert)
        ]
        item.contacts_texted = texted
        item.save(update_fields=["alert", "staff_told", "contacts_texted"])
        _audit(
            actor,
            item,
            client,
            Action.CREATE,
            {"alert": [None, alert.id], "contacts_texted": [None, texted]},
        )
        signals.help_requested.send(HelpRequest, help_request=item)
    return item
