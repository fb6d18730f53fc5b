"""Graduation: the IOP episode finished as completed, aftercare started, the summary written;
the finish check care runs on every other completion; readiness alerts before the date."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.care import levels
from recoverypath.core.audit import Action
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.timezones import local_today

from .. import checklist, sources
from ..models import ChecklistItem, DischargePlan, Referral
from ..permissions import can_graduate_client
from ..selectors import plan_readiness
from .plans import plan_audit as _audit
from .plans import require_open as _require_open

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.care.models import EpisodeOfCare

COMPLETED = "completed"
# Set while discharge_graduate finishes the episode itself (readiness already checked there).
_graduating: ContextVar[int | None] = ContextVar("discharge_graduating", default=None)
READINESS_ALERT_KIND = "discharge.readiness"


def discharge_graduate(
    *,
    actor: User,
    plan: DischargePlan,
    override_reason: str = "",
    graduation_date: date | None = None,
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
    if not can_graduate_client(actor, client):
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


def readiness_alerts_raise(*, today: date | None = None) -> int:
    """Raise an alert for every open plan graduating soon with required items open.

    Within 14 days: medium; within 3 days (or overdue): high. One alert per plan
    (dedup key), raised again daily so its severity and reason follow the plan. Returns how many
    were raised.
    """
    from recoverypath.alerts.services import AlertSpec, alerts_raise_bulk

    from ..selectors import plans_due_for_alert

    specs: list[AlertSpec] = []
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
        specs.append(
            AlertSpec(
                client=plan.client,
                kind=READINESS_ALERT_KIND,
                severity=severity,
                reason=reason,
                dedup_key=f"discharge:readiness:{plan.id}",
                source=plan,
                source_url=reverse("discharge:plan", kwargs={"plan_id": plan.id}),
            )
        )
    # Raised together (alerts.services.bulk): a fixed number of statements per 1,000 alerts.
    return len(alerts_raise_bulk(specs).alerts)
