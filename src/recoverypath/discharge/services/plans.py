"""Discharge plans: opened at IOP enrollment, changed by clinicians, closed when the IOP episode
ends without graduation; the alumni offer made at graduation answered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from recoverypath.care import levels
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import ConflictError

from .. import checklist, sources
from ..models import ChecklistItem, DischargePlan, Referral
from ..permissions import can_answer_alumni_offer, can_graduate_client

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.care.models import EpisodeOfCare
    from recoverypath.clients.models import Client

DEFAULT_IOP_WEEKS = 8


def plan_audit(
    actor: User | None, plan: DischargePlan, action: str, changes: dict[str, Any], obj=None
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj or plan,
        client_id=plan.client_id,
        organization_id=plan.organization_id,
        changes=changes,
    )


def discharge_plan_open(
    *, episode: EpisodeOfCare, actor: User | None = None
) -> DischargePlan | None:
    """Open the discharge plan of an IOP episode (level 2.1) with every checklist item.

    Idempotent: returns the existing plan for the episode. Returns None for other levels. The
    target graduation date is the episode's planned end, else DEFAULT_IOP_WEEKS after its start.
    Owner: the client's clinician; coordinator items go to the client's coordinator when set.
    """
    if episode.level_code != levels.IOP:
        return None
    existing = DischargePlan.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    client = episode.client
    owner = client.primary_clinician
    coordinator = client.coordinator or owner
    target = episode.planned_end_date or episode.start_date + timedelta(weeks=DEFAULT_IOP_WEEKS)
    safety_required = sources.safety_plan_required(client=client)
    # Back in IOP after a step up (or a return): the work already done on the last plan carries
    # over, except the first appointment, which depends on the new graduation date.
    previous = (
        DischargePlan.objects.filter(
            client=client, program=episode.program, status=DischargePlan.Status.CLOSED
        )
        .prefetch_related("items")
        .order_by("-id")
        .first()
    )
    carried = {
        item.kind: item
        for item in (previous.items.all() if previous else [])
        if item.status != ChecklistItem.Status.OPEN
        and item.kind not in (ChecklistItem.Kind.FIRST_APPOINTMENT, ChecklistItem.Kind.ALUMNI)
    }
    plan = DischargePlan(
        organization_id=client.organization_id,
        program=episode.program,
        client=client,
        episode=episode,
        owner=owner,
        target_graduation_date=target,
        diagnoses=previous.diagnoses if previous else [],
    )
    try:
        with transaction.atomic():
            plan.save()
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    plan=plan,
                    kind=spec.kind,
                    position=spec.position,
                    required=(
                        safety_required
                        if spec.kind == ChecklistItem.Kind.SAFETY_PLAN
                        else spec.required
                    ),
                    owner=owner if spec.owner_role == "clinician" else coordinator,
                    due_date=spec.due_date(start=episode.start_date, target=target),
                    **_carried_fields(carried.get(spec.kind)),
                )
                for spec in checklist.SPECS
            )
            Referral.objects.filter(
                client=client, plan__isnull=True, status__in=[Referral.Status.SENT]
            ).update(plan=plan)
            plan_audit(
                actor or episode.created_by,
                plan,
                Action.CREATE,
                {
                    "episode": [None, episode.id],
                    "owner": [None, getattr(owner, "id", None)],
                    "target_graduation_date": [None, target.isoformat()],
                },
            )
    except IntegrityError:
        # A concurrent delivery of the same signal opened it first.
        return DischargePlan.objects.filter(episode=episode).first()
    return plan


def _carried_fields(item: ChecklistItem | None) -> dict[str, Any]:
    if item is None:
        return {}
    return {
        "status": item.status,
        "data": item.data,
        "evidence": item.evidence or "Carried over from the previous IOP episode.",
        "completed_at": item.completed_at,
        "completed_by_id": item.completed_by_id,
    }


def discharge_plan_update(
    *,
    actor: User,
    plan: DischargePlan,
    target_graduation_date: date | None = None,
    diagnoses: list[dict[str, str]] | None = None,
    owner=None,
) -> DischargePlan:
    """Change the target date, the diagnoses as recorded, or the owner. Clinicians and admins."""
    if not can_graduate_client(actor, plan.client):
        raise PermissionDenied("Only clinicians and admins change the discharge plan.")
    require_open(plan)
    fields = ["target_graduation_date", "diagnoses", "owner"]
    before = snapshot(plan, fields)
    if target_graduation_date is not None:
        if target_graduation_date < plan.episode.start_date:
            raise ValidationError(
                {"target_graduation_date": "Graduation cannot be before the episode started."}
            )
        plan.target_graduation_date = target_graduation_date
    if diagnoses is not None:
        plan.diagnoses = _clean_diagnoses(diagnoses)
    if owner is not None:
        if not permissions.has_rank(owner, plan.program_id, permissions.Rank.CLINICIAN):
            raise ValidationError({"owner": "The owner must be a clinician of the program."})
        plan.owner = owner
    with transaction.atomic():
        plan.save(update_fields=[*fields, "updated_at"])
        plan_audit(actor, plan, Action.UPDATE, model_changes(before, snapshot(plan, fields)))
    return plan


def _clean_diagnoses(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationError({"diagnoses": f"Diagnosis {index}: give a code and description."})
        code = str(row.get("code", "")).strip().upper()[:12]
        description = str(row.get("description", "")).strip()[:200]
        if not description:
            raise ValidationError({"diagnoses": f"Diagnosis {index}: describe it."})
        out.append({"code": code, "description": description})
    return out


def require_open(plan: DischargePlan) -> None:
    if plan.status != DischargePlan.Status.OPEN:
        raise ConflictError(
            f"This discharge plan is {plan.get_status_display().lower()}: it can no longer change.",
            code="plan_closed",
        )


def discharge_plan_close(
    *, episode: EpisodeOfCare, actor: User | None = None
) -> DischargePlan | None:
    """The IOP episode ended without graduation (stepped up, left): the plan closes, kept as is."""
    plan = DischargePlan.objects.filter(episode=episode, status=DischargePlan.Status.OPEN).first()
    if plan is None:
        return None
    with transaction.atomic():
        plan.status = DischargePlan.Status.CLOSED
        plan.save(update_fields=["status", "updated_at"])
        plan_audit(
            actor,
            plan,
            Action.UPDATE,
            {
                "status": [DischargePlan.Status.OPEN, DischargePlan.Status.CLOSED],
                "episode_end_reason": episode.end_reason,
            },
        )
    return plan


def alumni_offer_respond(*, actor: User, plan: DischargePlan, accept: bool) -> DischargePlan:
    """The client (or staff for them) answers the alumni network offer made at graduation."""
    client = plan.client
    if not can_answer_alumni_offer(actor, client):
        raise PermissionDenied("You cannot answer for this client.")
    if plan.status != DischargePlan.Status.GRADUATED or plan.alumni_offered_at is None:
        raise ConflictError("The alumni network is offered at graduation.", code="not_offered")
    before = plan.alumni_response
    plan.alumni_response = (
        DischargePlan.AlumniResponse.ACCEPTED if accept else DischargePlan.AlumniResponse.DECLINED
    )
    plan.alumni_responded_at = timezone.now()
    with transaction.atomic():
        plan.save(update_fields=["alumni_response", "alumni_responded_at", "updated_at"])
        plan_audit(actor, plan, Action.UPDATE, {"alumni_response": [before, plan.alumni_response]})
    return plan


def discharge_plan_owner_follow(
    *, actor: User | None, client: Client, previous_clinician_id: int | None
) -> int:
    """The client's primary clinician changed (clients' care_team_changed): each of the client's
    open plans whose summary is not yet signed, and that the previous clinician owned (or nobody
    did), passes to the new one, with the open checklist items the previous clinician owned. A
    plan someone deliberately gave to another clinician keeps its owner. The change was already
    allowed (clients' care-team rule); this records it. Returns how many plans moved."""
    new_owner = client.primary_clinician
    plans = list(
        DischargePlan.objects.filter(client=client, status=DischargePlan.Status.OPEN)
        .filter(Q(owner_id=previous_clinician_id) | Q(owner__isnull=True))
        .exclude(summary__signed_at__isnull=False)
    )
    for plan in plans:
        before = plan.owner_id
        plan.owner = new_owner
        plan.save(update_fields=["owner", "updated_at"])
        if previous_clinician_id is not None:
            plan.items.filter(
                owner_id=previous_clinician_id, status=ChecklistItem.Status.OPEN
            ).update(owner=new_owner)
        plan_audit(
            actor,
            plan,
            Action.UPDATE,
            {"owner": [before, getattr(new_owner, "id", None)], "reason": "primary clinician"},
        )
    return len(plans)
