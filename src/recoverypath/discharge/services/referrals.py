"""Referrals to external providers: created, then moved only along ALLOWED_TRANSITIONS."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import ConflictError
from recoverypath.core.modality import Modality, join_details_check

from ..models import ChecklistItem, DischargePlan, Referral, ReferralStatusChange
from ..permissions import can_work_checklist

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

Status = Referral.Status


def referral_create(
    *,
    actor: User,
    client,
    provider,
    reason: str = "",
    sent_at: datetime | None = None,
    appointment_at: datetime | None = None,
    appointment_modality: str = Modality.IN_PERSON,
    join_url: str = "",
    call_details: str = "",
) -> Referral:
    """Record a referral sent to `provider`; with `appointment_at` it is booked straight away
    (how: `appointment_modality`, with an https `join_url` for video, `call_details` for phone).

    Attaches to the client's open discharge plan. Raises PermissionDenied or ValidationError.
    """
    if not can_work_checklist(actor, client):
        raise PermissionDenied("You cannot refer this client.")
    if provider.organization_id != client.organization_id:
        raise ValidationError({"provider": "Choose a provider from your organization's directory."})
    if sent_at is not None and timezone.is_naive(sent_at):
        raise ValidationError({"sent_at": "Give a time zone."})
    plan = (
        DischargePlan.objects.filter(client=client, status=DischargePlan.Status.OPEN)
        .order_by("-id")
        .first()
    )
    referral = Referral(
        organization_id=client.organization_id,
        client=client,
        provider=provider,
        plan=plan,
        reason=reason.strip()[:300],
        status=Status.SENT,
        sent_at=sent_at or timezone.now(),
        referred_by=actor,
    )
    with transaction.atomic():
        referral.save()
        ReferralStatusChange.objects.create(
            referral=referral, from_status="", to_status=Status.SENT, actor=actor
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=referral,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"provider": [None, provider.id], "status": [None, Status.SENT]},
        )
        if appointment_at is not None:
            referral_transition(
                actor=actor,
                referral=referral,
                to=Status.BOOKED,
                appointment_at=appointment_at,
                appointment_modality=appointment_modality,
                join_url=join_url,
                call_details=call_details,
            )
    return referral


def referral_transition(
    *,
    actor: User,
    referral: Referral,
    to: str,
    appointment_at: datetime | None = None,
    attended_on: date | None = None,
    note: str = "",
    appointment_modality: str = Modality.IN_PERSON,
    join_url: str = "",
    call_details: str = "",
) -> Referral:
    """Move a referral. Booking needs `appointment_at` (and may rebook) and says how the first
    appointment happens: in person, video (an https `join_url` required) or phone
    (`call_details`); attending records the day (defaults to the appointment's day in the
    client's zone, never in the future).

    Booking a first appointment while the discharge plan's item is open completes that item when
    the appointment is within 7 days of graduation. Raises ConflictError on a move the lifecycle
    does not allow, ValidationError on missing or inconsistent data.
    """
    client = referral.client
    if not can_work_checklist(actor, client):
        raise PermissionDenied("You cannot change this referral.")
    if to not in Referral.ALLOWED_TRANSITIONS.get(referral.status, frozenset()):
        raise ConflictError(
            f"A referral that is {referral.get_status_display().lower()} cannot move to "
            f"{Status(to).label.lower() if to in Status.values else to}.",
            code="invalid_transition",
        )
    zone = ZoneInfo(client.time_zone)
    today = timezone.now().astimezone(zone).date()
    fields = ["status", "updated_at"]
    if to == Status.BOOKED:
        if appointment_at is None:
            raise ValidationError({"appointment_at": "Give the appointment's date and time."})
        if timezone.is_naive(appointment_at):
            raise ValidationError({"appointment_at": "Give a time zone."})
        referral.join_url, referral.call_details = join_details_check(
            modality=appointment_modality, join_url=join_url, call_details=call_details
        )
        referral.appointment_at = appointment_at
        referral.appointment_modality = appointment_modality
        fields += ["appointment_at", "appointment_modality", "join_url", "call_details"]
    if to == Status.ATTENDED:
        if attended_on is None:
            if referral.appointment_at is None:
                raise ValidationError({"attended_on": "Give the day the client attended."})
            attended_on = referral.appointment_at.astimezone(zone).date()
        if attended_on > today:
            raise ValidationError({"attended_on": "The client cannot have attended in the future."})
        referral.attended_on = attended_on
        fields.append("attended_on")
    before = referral.status
    referral.status = to
    with transaction.atomic():
        referral.save(update_fields=fields)
        ReferralStatusChange.objects.create(
            referral=referral,
            from_status=before,
            to_status=to,
            note=note.strip(),
            appointment_at=referral.appointment_at if to == Status.BOOKED else None,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=referral,
            client_id=client.id,
            organization_id=referral.organization_id,
            changes={
                "status": [before, to],
                **(
                    {
                        "appointment_at": [None, referral.appointment_at.isoformat()],
                        "appointment_modality": [None, referral.appointment_modality],
                    }
                    if to == Status.BOOKED and referral.appointment_at
                    else {}
                ),
                **({"attended_on": [None, attended_on.isoformat()]} if attended_on else {}),
            },
        )
        if to == Status.BOOKED and referral.plan_id:
            _complete_first_appointment(actor=actor, referral=referral)
    return referral


def _complete_first_appointment(*, actor: User, referral: Referral) -> None:
    from .checklist_items import checklist_item_update

    item = (
        ChecklistItem.objects.select_related("plan", "plan__client", "plan__program")
        .filter(
            plan_id=referral.plan_id,
            plan__status=DischargePlan.Status.OPEN,
            kind=ChecklistItem.Kind.FIRST_APPOINTMENT,
            status=ChecklistItem.Status.OPEN,
        )
        .first()
    )
    if item is None:
        return
    try:
        with transaction.atomic():
            checklist_item_update(
                actor=actor,
                item=item,
                status=ChecklistItem.Status.DONE,
                referral=referral,
                evidence=item.evidence or f"Booked with {referral.provider.name}.",
            )
    except ValidationError:
        # Outside the 7-day window: the item stays open and says so when someone completes it.
        pass
