"""The discharge checklist: one item updated at a time, its structured data checked when done."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from recoverypath.core import permissions
from recoverypath.core.audit import Action, model_changes, snapshot

from .. import checklist, sources
from ..models import ChecklistItem, DischargePlan, Referral
from ..permissions import can_work_checklist
from .plans import plan_audit as _audit
from .plans import require_open as _require_open

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

# consent's Purpose.FAMILY_INVOLVEMENT: sharing with family involved in treatment.
FAMILY_INVOLVEMENT = "family_involvement"
ITEM_FIELDS = ["status", "owner", "due_date", "evidence", "data", "required"]


def checklist_item_update(
    *,
    actor: User,
    item: ChecklistItem,
    status: str | None = None,
    data: dict[str, Any] | None = None,
    evidence: str | None = None,
    owner=None,
    due_date: date | None = None,
    referral: Referral | None = None,
    contact=None,
) -> ChecklistItem:
    """Update one checklist item. Marking it done checks its structured data (checklist.py):

    living situation with a plan unless stable; each barrier with a plan; a peer group with
    meeting days; family sessions held or declined, with a Part 2 consent on file when family will
    receive information (`contact`); medications with the prescriber, next appointment and enough
    supply to reach it; the first aftercare appointment (`referral`) within 7 days of graduation;
    a current safety plan; an aftercare plan; the alumni offer. "Not applicable" needs evidence
    saying why and is refused for a required item. Raises PermissionDenied, ConflictError
    (closed plan) or ValidationError naming the field.
    """
    plan = item.plan
    client = plan.client
    if not can_work_checklist(actor, client):
        raise PermissionDenied("You cannot work on this discharge plan.")
    _require_open(plan)
    if data is not None and not isinstance(data, dict):
        raise ValidationError({"data": "Must be an object."})
    before = snapshot(item, ITEM_FIELDS)
    status = status or item.status
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": "Choose open, done or not applicable."})
    if evidence is not None:
        item.evidence = evidence.strip()
    if owner is not None:
        if not permissions.has_rank(owner, plan.program_id, permissions.Rank.COORDINATOR):
            raise ValidationError({"owner": "The owner must be a coordinator or clinician here."})
        item.owner = owner
    if due_date is not None:
        item.due_date = due_date
    incoming = data if data is not None else item.data or {}
    if status == ChecklistItem.Status.DONE:
        cleaned, errors = checklist.validate_done(
            item.kind,
            incoming,
            **_context(item=item, data=incoming, referral=referral, contact=contact),
        )
        if errors:
            raise ValidationError(errors)
        item.data = cleaned
        if item.kind == ChecklistItem.Kind.FIRST_APPOINTMENT:
            # The reference, not a copy: the checklist shows the appointment as it is now.
            item.referral_id = cleaned.get("referral_id")
        if item.completed_at is None or item.status != ChecklistItem.Status.DONE:
            item.completed_at = timezone.now()
            item.completed_by = actor
    elif status == ChecklistItem.Status.NOT_APPLICABLE:
        safety_required = (
            item.kind == ChecklistItem.Kind.SAFETY_PLAN
            and sources.safety_plan_required(client=client)
        )
        if item.required or safety_required:
            raise ValidationError(
                {"status": "This item is required: complete it, or graduate with an override."}
            )
        if not item.evidence:
            raise ValidationError({"evidence": "Say why this item does not apply."})
        if data is not None:
            item.data = data
        item.completed_at = timezone.now()
        item.completed_by = actor
    else:
        if data is not None:
            item.data = data if isinstance(data, dict) else {}
        item.completed_at = None
        item.completed_by = None
    if status != ChecklistItem.Status.DONE:
        item.referral_id = None
    item.status = status
    with transaction.atomic():
        item.save()
        _audit(
            actor,
            plan,
            Action.UPDATE,
            {"kind": item.kind, **model_changes(before, snapshot(item, ITEM_FIELDS))},
            obj=item,
        )
    return item


def _context(*, item: ChecklistItem, data: dict, referral, contact) -> dict[str, Any]:
    plan = item.plan
    client = plan.client
    kind = item.kind
    ctx: dict[str, Any] = {"client": client, "target": plan.target_graduation_date}
    if kind == ChecklistItem.Kind.FIRST_APPOINTMENT:
        referral_id = _int(data.get("referral_id"))
        if referral is None and referral_id is not None:
            referral = (
                Referral.objects.select_related("provider")
                .filter(pk=referral_id, client=client)
                .first()
            )
        if referral is not None and referral.client_id != client.id:
            referral = None
        ctx.update(referral=referral, tz=ZoneInfo(client.time_zone))
    elif kind == ChecklistItem.Kind.FAMILY:
        from recoverypath.clients.selectors import support_contact_for_client
        from recoverypath.consent.selectors import consent_allows_disclosure

        if contact is None and data.get("contact_id"):
            contact = support_contact_for_client(client=client, contact_id=_int(data["contact_id"]))
        if contact is not None and contact.client_id != client.id:
            contact = None
        consent = (
            consent_allows_disclosure(client=client, recipient=contact, purpose=FAMILY_INVOLVEMENT)
            if contact is not None
            else None
        )
        ctx["consent_check"] = {"contact": contact, "consent": consent}
    elif kind == ChecklistItem.Kind.SAFETY_PLAN:
        ctx["safety_plan"] = sources.safety_plan_current(client=client)
    elif kind == ChecklistItem.Kind.AFTERCARE_PLAN:
        ctx["aftercare_plan"] = sources.aftercare_plan_current(client=client)
    return ctx


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def checklist_aftercare_plan_drafted(*, actor: User | None, aftercare_plan) -> ChecklistItem | None:
    """The aftercare app drafted a plan for the client (aftercare's `aftercare_plan_started`):
    the open discharge plan's "aftercare plan drafted" item becomes done, linked to the plan
    (`data["aftercare_plan_id"]`) with a one-line summary. Nothing happens (None) without an
    open discharge plan in the plan's program, for a plan that follows another episode, for an
    item already done or not applicable, or for an actor who does not work the checklist."""
    plan = (
        DischargePlan.objects.select_related("client")
        .filter(
            client_id=aftercare_plan.client_id,
            program_id=aftercare_plan.program_id,
            status=DischargePlan.Status.OPEN,
        )
        .first()
    )
    if plan is None or actor is None or not can_work_checklist(actor, plan.client):
        return None
    if aftercare_plan.episode_id is not None and aftercare_plan.episode_id != plan.episode_id:
        return None
    item = plan.items.filter(
        kind=ChecklistItem.Kind.AFTERCARE_PLAN, status=ChecklistItem.Status.OPEN
    ).first()
    if item is None:
        return None
    before = snapshot(item, ITEM_FIELDS)
    summary = (item.data or {}).get("summary") or (
        f"Aftercare plan from {aftercare_plan.start_date:%b} {aftercare_plan.start_date.day}, "
        f"{aftercare_plan.start_date:%Y} to {aftercare_plan.end_date:%b} "
        f"{aftercare_plan.end_date.day}, {aftercare_plan.end_date:%Y}."
    )
    item.data = {"summary": summary, "aftercare_plan_id": aftercare_plan.pk}
    item.status = ChecklistItem.Status.DONE
    item.evidence = item.evidence or "Drafted in the aftercare app."
    item.completed_at = timezone.now()
    item.completed_by = actor
    with transaction.atomic():
        item.save()
        _audit(
            actor,
            plan,
            Action.UPDATE,
            {"kind": item.kind, **model_changes(before, snapshot(item, ITEM_FIELDS))},
            obj=item,
        )
    return item
