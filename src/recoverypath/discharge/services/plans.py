"""Discharge plans: opened at IOP enrollment, worked through the checklist, closed by graduation."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.care import levels
from recoverypath.care.models import EpisodeOfCare
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.timezones import local_today

from .. import checklist, rules, sources
from ..models import ChecklistItem, DischargePlan, Referral
from ..selectors import plan_readiness

DEFAULT_IOP_WEEKS = 8
COMPLETED = "completed"
# Set while discharge_graduate finishes the episode itself (readiness already checked there).
_graduating: ContextVar[int | None] = ContextVar("discharge_graduating", default=None)
ITEM_FIELDS = ["status", "owner", "due_date", "evidence", "data", "required"]


def _audit(actor, plan: DischargePlan, action: str, changes: dict[str, Any], obj=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj or plan,
        client_id=plan.client_id,
        organization_id=plan.organization_id,
        changes=changes,
    )


def discharge_plan_open(*, episode: EpisodeOfCare, actor=None) -> DischargePlan | None:
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
            _audit(
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
    actor,
    plan: DischargePlan,
    target_graduation_date: date | None = None,
    diagnoses: list[dict[str, str]] | None = None,
    owner=None,
) -> DischargePlan:
    """Change the target date, the diagnoses as recorded, or the owner. Clinicians and admins."""
    if not rules.can_graduate(actor, plan.client):
        raise PermissionDenied("Only clinicians and admins change the discharge plan.")
    _require_open(plan)
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
        _audit(actor, plan, Action.UPDATE, model_changes(before, snapshot(plan, fields)))
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


def _require_open(plan: DischargePlan) -> None:
    if plan.status != DischargePlan.Status.OPEN:
        raise ConflictError(
            f"This discharge plan is {plan.get_status_display().lower()}: it can no longer change.",
            code="plan_closed",
        )


def checklist_item_update(
    *,
    actor,
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
    if not rules.can_work_checklist(actor, client):
        raise PermissionDenied("You cannot work on this discharge plan.")
    _require_open(plan)
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
        if referral is None and data.get("referral_id"):
            referral = (
                Referral.objects.select_related("provider")
                .filter(pk=_int(data["referral_id"]), client=client)
                .first()
            )
        if referral is not None and referral.client_id != client.id:
            referral = None
        ctx.update(referral=referral, tz=ZoneInfo(client.time_zone))
    elif kind == ChecklistItem.Kind.FAMILY:
        from recoverypath.clients.models import SupportContact
        from recoverypath.consent.models import Purpose
        from recoverypath.consent.selectors import consent_allows_disclosure

        if contact is None and data.get("contact_id"):
            contact = SupportContact.objects.filter(
                pk=_int(data["contact_id"]), client=client
            ).first()
        if contact is not None and contact.client_id != client.id:
            contact = None
        consent = (
            consent_allows_disclosure(
                client=client, recipient=contact, purpose=Purpose.FAMILY_INVOLVEMENT
            )
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


def discharge_graduate(
    *, actor, plan: DischargePlan, override_reason: str = "", graduation_date: date | None = None
) -> DischargePlan:
    """Graduate the client: finish the IOP episode as completed and start aftercare.

    1. Only clinicians and admins graduate; the plan must be open.
    2. Readiness: every required item done, else refused (DomainError code "not_ready", naming
       the open items) unless `override_reason` is given; the reason and the open items are kept.
    3. In one transaction: care.services.episode_finish(end_reason="completed"), the last attended
       IOP session is fixed for the gap measure, the alumni network is offered (its item done),
       the plan becomes graduated, aftercare.services.aftercare_plan_start() starts aftercare, and
       the discharge summary is written (unsigned).
    """
    from recoverypath.care.services import episode_finish

    from .summary import summary_generate

    client = plan.client
    if not rules.can_graduate(actor, client):
        raise PermissionDenied("Only clinicians and admins graduate a client.")
    _require_open(plan)
    today = local_today(plan.program.time_zone)
    graduation_date = graduation_date or today
    if graduation_date > today:
        raise ValidationError({"graduation_date": "Graduation cannot be in the future."})
    readiness = plan_readiness(plan=plan, today=graduation_date)
    override_reason = (override_reason or "").strip()
    open_items = [item.get_kind_display() for item in readiness.missing]
    if open_items and not override_reason:
        raise DomainError(
            "Required discharge items are still open: " + "; ".join(open_items) + ". Complete "
            "them, or give a reason to graduate anyway.",
            fields={"override_reason": ["Give a reason to graduate with items open."]},
            code="not_ready",
        )
    episode = plan.episode
    with transaction.atomic():
        locked = DischargePlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != DischargePlan.Status.OPEN:
            raise ConflictError("This client has already graduated.", code="plan_closed")
        token = _graduating.set(episode.id)
        try:
            episode_finish(
                actor=actor, episode=episode, end_reason=COMPLETED, end_date=graduation_date
            )
        finally:
            _graduating.reset(token)
        figures = sources.attendance_figures(
            client=client, program=plan.program, start=episode.start_date, end=graduation_date
        )
        now = timezone.now()
        plan.status = DischargePlan.Status.GRADUATED
        plan.graduated_on = graduation_date
        plan.graduated_at = now
        plan.graduated_by = actor
        plan.override_reason = override_reason if open_items else ""
        plan.override_open_items = open_items if override_reason else []
        plan.last_iop_session_on = figures["last_attended_on"]
        plan.alumni_offered_at = plan.alumni_offered_at or now
        plan.save()
        alumni = next((i for i in plan.items.all() if i.kind == ChecklistItem.Kind.ALUMNI), None)
        if alumni is not None and alumni.status == ChecklistItem.Status.OPEN:
            alumni.status = ChecklistItem.Status.DONE
            alumni.data = {"offered_on": graduation_date.isoformat()}
            alumni.evidence = alumni.evidence or "Offered at graduation."
            alumni.completed_at = now
            alumni.completed_by = actor
            alumni.save()
        _audit(
            actor,
            plan,
            Action.UPDATE,
            {
                "status": [DischargePlan.Status.OPEN, DischargePlan.Status.GRADUATED],
                "graduated_on": [None, graduation_date.isoformat()],
                **({"override_reason": [None, override_reason]} if open_items else {}),
                **({"override_open_items": [None, open_items]} if open_items else {}),
            },
        )
        if sources.aftercare_plan_current(client=client) is None:
            notes, components = _aftercare_from_checklist(plan)
            sources.aftercare_plan_start(
                actor=actor, client=client, episode=episode, notes=notes, components=components
            )
        summary_generate(actor=actor, plan=plan)
    return plan


def _aftercare_from_checklist(plan: DischargePlan) -> tuple[str, list[dict[str, Any]]]:
    """The aftercare plan's notes and components, carried over from the discharge checklist."""
    items = {item.kind: item.data or {} for item in plan.items.all()}
    components: list[dict[str, Any]] = []
    for group in items.get(ChecklistItem.Kind.PEER_SUPPORT, {}).get("groups", []):
        days = group.get("meeting_days", [])
        components.append(
            {
                "kind": "support_group",
                "title": group.get("name") or checklist.PEER_GROUPS.get(group["kind"], "Group"),
                "group_type": group["kind"],
                "frequency": "several_weekly" if len(days) > 1 else "weekly",
                "expected_per_week": max(1, len(days)),
                "meeting_schedule": ", ".join(d.title() for d in days),
            }
        )
    appointment = items.get(ChecklistItem.Kind.FIRST_APPOINTMENT, {})
    referral = (
        Referral.objects.select_related("provider").filter(pk=appointment["referral_id"]).first()
        if appointment.get("referral_id")
        else None
    )
    if referral is not None:
        components.append(
            {
                "kind": "therapy",
                "title": referral.provider.name,
                "provider": referral.provider,
                "frequency": "weekly",
                "expected_per_week": 1,
            }
        )
    medication = items.get(ChecklistItem.Kind.MEDICATION, {})
    if medication.get("medications") and not medication.get("no_medications"):
        components.append(
            {
                "kind": "medication",
                "title": ", ".join(m["name"] for m in medication["medications"])[:200],
                "prescriber": medication.get("prescriber_after_discharge", "")[:200],
                "next_visit": date.fromisoformat(medication["next_appointment_date"])
                if medication.get("next_appointment_date")
                else None,
                "frequency": "monthly",
                "expected_per_week": 0,
            }
        )
    notes = items.get(ChecklistItem.Kind.AFTERCARE_PLAN, {}).get("summary", "")
    return notes, components


def episode_finish_check(*, episode: EpisodeOfCare, end_reason: str, **_: Any) -> None:
    """Refuse finishing an IOP episode as completed outside graduation while required discharge
    items are open (raises ValidationError on end_reason). For care's finish hook: completion goes
    through discharge_graduate, where a clinician can override with a reason."""
    if episode.level_code != levels.IOP or end_reason.strip().lower() != COMPLETED:
        return
    if _graduating.get() == episode.id:
        return
    plan = (
        DischargePlan.objects.filter(episode=episode, status=DischargePlan.Status.OPEN)
        .select_related("program", "client")
        .first()
    )
    if plan is None:
        return
    readiness = plan_readiness(plan=plan)
    if readiness.missing:
        raise ValidationError(
            {
                "end_reason": (
                    "Required discharge items are still open: "
                    + "; ".join(item.get_kind_display() for item in readiness.missing)
                    + ". Graduate the client from the discharge plan (a clinician can override "
                    "there with a reason)."
                )
            }
        )


def discharge_plan_close(*, episode: EpisodeOfCare, actor=None) -> DischargePlan | None:
    """The IOP episode ended without graduation (stepped up, left): the plan closes, kept as is."""
    plan = DischargePlan.objects.filter(episode=episode, status=DischargePlan.Status.OPEN).first()
    if plan is None:
        return None
    with transaction.atomic():
        plan.status = DischargePlan.Status.CLOSED
        plan.save(update_fields=["status", "updated_at"])
        _audit(
            actor,
            plan,
            Action.UPDATE,
            {
                "status": [DischargePlan.Status.OPEN, DischargePlan.Status.CLOSED],
                "episode_end_reason": episode.end_reason,
            },
        )
    return plan


def alumni_offer_respond(*, actor, plan: DischargePlan, accept: bool) -> DischargePlan:
    """The client (or staff for them) answers the alumni network offer made at graduation."""
    client = plan.client
    if not (permissions.is_client_user(actor, client) or rules.can_work_checklist(actor, client)):
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
        _audit(actor, plan, Action.UPDATE, {"alumni_response": [before, plan.alumni_response]})
    return plan


READINESS_ALERT_KIND = "discharge.readiness"


def readiness_alerts_raise(*, today: date | None = None) -> int:
    """Raise an alert for every open plan graduating soon with required items open.

    Within 14 days: medium; within 3 days (or overdue): high. One alert per plan
    (dedup key), raised again daily so its severity and reason follow the plan. Returns how many
    were raised.
    """
    from recoverypath.alerts.services import alert_raise

    from ..selectors import plans_due_for_alert

    raised = 0
    # The server's date may be a day behind a program's: pre-select one day wider, then judge
    # each plan on its own program's day below.
    for plan in plans_due_for_alert(today=today or timezone.localdate(), within_days=15):
        day = today or local_today(plan.program.time_zone)
        readiness = plan_readiness(plan=plan, today=day)
        if readiness.ready or readiness.days_left > 14:
            continue
        severity = "high" if readiness.days_left <= 3 else "medium"
        when = (
            f"in {readiness.days_left} day{'s' if readiness.days_left != 1 else ''}"
            if readiness.days_left >= 0
            else f"{-readiness.days_left} days ago"
        )
        reason = (
            f"Graduation {when} ({plan.target_graduation_date:%b %-d}) with "
            f"{len(readiness.missing)} required discharge item"
            f"{'s' if len(readiness.missing) != 1 else ''} open: "
            + ", ".join(item.get_kind_display() for item in readiness.missing)
        )
        with transaction.atomic():
            alert_raise(
                client=plan.client,
                kind=READINESS_ALERT_KIND,
                severity=severity,
                reason=reason,
                dedup_key=f"discharge:readiness:{plan.id}",
                source=plan,
                source_url=reverse("discharge:plan", kwargs={"plan_id": plan.id}),
            )
        raised += 1
    return raised
