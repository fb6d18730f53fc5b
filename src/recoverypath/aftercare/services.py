"""Writes for aftercare plans: start, extend, step up to IOP, complete; components and their
logged contacts; goals and progress notes; coordinator check-ins; "I need help now"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.alerts.selectors import alert_notified_people
from recoverypath.alerts.services import alert_raise
from recoverypath.clients.models import Client, SupportContact
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import DomainError
from recoverypath.core.timezones import local_today
from recoverypath.notifications.services import notification_text_queue
from recoverypath.safety.models import SafetyEvent
from recoverypath.safety.services import safety_event_record

from . import selectors, signals
from .models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    CoordinatorCheckIn,
    Goal,
    GoalProgressNote,
    HelpRequest,
    PlanComponent,
    SupportPreferences,
)

Status = AftercarePlan.Status
COMPONENT_FIELDS = [
    "kind",
    "title",
    "frequency",
    "expected_per_week",
    "provider",
    "group_type",
    "meeting_schedule",
    "residence",
    "move_in_date",
    "prescriber",
    "next_visit",
    "details",
]
CHECKIN_HOUR = time(10, 0)


def _require_coordination(actor, client: Client) -> None:
    if not permissions.can_coordinate(actor, client):
        raise PermissionDenied("Only coordinators, clinicians and admins manage aftercare plans.")


def _audit(actor, obj, client: Client, action: str, changes: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        client_id=client.id,
        organization_id=client.organization_id,
        changes=changes or {},
    )


def _history(plan: AftercarePlan, *, actor, from_status: str, note: str) -> None:
    AftercarePlanChange.objects.create(
        plan=plan, from_status=from_status, to_status=plan.status, note=note, actor=actor
    )


def _move(plan: AftercarePlan, to_status: str) -> str:
    from_status = plan.status
    if to_status not in AftercarePlan.ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            {"status": f"A {plan.get_status_display().lower()} plan cannot become {to_status}."}
        )
    plan.status = to_status
    return from_status


def _remind(item: CoordinatorCheckIn) -> None:
    """Remind the client (if they have a login) the day before a coordinator check-in; the
    message carries only a link, no health information."""
    from recoverypath.notifications.services import reminder_schedule

    client = item.client
    at = item.scheduled_at - timedelta(days=1)
    if client.user_id is None or at <= timezone.now():
        return
    reminder_schedule(
        recipient=client.user,
        at=at,
        template="reminder",
        context={
            "headline": "Reminder: a check-in with your coordinator tomorrow.",
            "link": reverse("clients:me"),
        },
        dedup_key=f"aftercare:coordinator-check-in:{item.id}",
    )


def _forget_reminders(items) -> None:
    from recoverypath.notifications.models import Reminder
    from recoverypath.notifications.services import reminder_cancel

    keys = [f"aftercare:coordinator-check-in:{item.id}" for item in items]
    for reminder in Reminder.objects.filter(dedup_key__in=keys, status=Reminder.Status.SCHEDULED):
        reminder_cancel(reminder=reminder)


def _checkin_at(plan: AftercarePlan, day: date) -> datetime:
    zone = ZoneInfo(plan.client.time_zone or plan.program.time_zone)
    return datetime.combine(day, CHECKIN_HOUR, tzinfo=zone)


def aftercare_plan_start(
    *,
    actor,
    client: Client,
    episode=None,
    months: int | None = 3,
    start_date: date | None = None,
    end_date: date | None = None,
    coordinator=None,
    checkin_every_days: int = 14,
    components: list[dict[str, Any]] | None = None,
    goals: list[dict[str, Any]] | None = None,
    notes: str = "",
) -> AftercarePlan:
    """Open the client's aftercare plan (the discharge app calls this at graduation).

    1. 3 or 6 months from `start_date` (default the client's local today), or custom with an
       explicit `end_date`; the coordinator defaults to the client's coordinator;
    2. components (dicts of PlanComponent fields) and goals (description, target_date);
    3. the first coordinator check-in is scheduled `checkin_every_days` after the start;
    4. one audit event; ValidationError when an open plan already exists or values are wrong.
    """
    _require_coordination(actor, client)
    start = start_date or local_today(client.time_zone)
    if end_date is None:
        if not months or months < 1 or months > 24:
            raise ValidationError({"months": "Choose 1 to 24 months, or give an end date."})
        end_date = start + relativedelta(months=months)
    if end_date < start:
        raise ValidationError({"end_date": "The plan cannot end before it starts."})
    if not 1 <= checkin_every_days <= 60:
        raise ValidationError({"checkin_every_days": "Choose every 1 to 60 days."})
    length = {3: "3m", 6: "6m"}.get(months or 0, "custom")
    if not months or end_date != start + relativedelta(months=months):
        length = "custom"
    plan = AftercarePlan(
        client=client,
        program=client.program,
        episode=episode,
        coordinator=coordinator or client.coordinator,
        length=length,
        start_date=start,
        end_date=end_date,
        checkin_every_days=checkin_every_days,
        notes=notes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            Client.objects.select_for_update().filter(pk=client.pk).first()
            if AftercarePlan.objects.filter(
                client=client, status__in=AftercarePlan.OPEN_STATUSES
            ).exists():
                raise ValidationError({"client": "The client already has an open aftercare plan."})
            plan.save()
            _history(plan, actor=plan.created_by, from_status="", note="Plan started")
            for data in components or []:
                component = _component_build(plan, data)
                component.save()
                _testing_policy_for(actor, plan, component)
            for data in goals or []:
                Goal.objects.create(
                    plan=plan,
                    description=str(data["description"])[:300],
                    target_date=data.get("target_date"),
                )
            first = CoordinatorCheckIn.objects.create(
                plan=plan,
                client=client,
                coordinator=plan.coordinator,
                scheduled_at=_checkin_at(plan, start + timedelta(days=checkin_every_days)),
            )
            _remind(first)
            _audit(
                actor,
                plan,
                client,
                Action.CREATE,
                {"start_date": [None, str(start)], "end_date": [None, str(end_date)]},
            )
    except IntegrityError as exc:
        raise ValidationError({"client": "The client already has an open aftercare plan."}) from exc
    return plan


def aftercare_plan_extend(
    *, actor, plan: AftercarePlan, end_date: date, note: str = ""
) -> AftercarePlan:
    _require_coordination(actor, plan.client)
    if not plan.is_open:
        raise ValidationError({"status": "Only an open plan can be extended."})
    if end_date <= plan.end_date:
        raise ValidationError({"end_date": "Choose a date after the current end date."})
    with transaction.atomic():
        before = plan.end_date
        plan.end_date = end_date
        plan.length = AftercarePlan.Length.CUSTOM
        plan.save(update_fields=["end_date", "length", "updated_at"])
        _history(plan, actor=actor, from_status=plan.status, note=f"Extended to {end_date}. {note}")
        _audit(actor, plan, plan.client, Action.UPDATE, {"end_date": [str(before), str(end_date)]})
    return plan


def aftercare_plan_step_up(
    *,
    actor,
    plan: AftercarePlan,
    reason: str,
    placement_answers: dict[str, Any] | None = None,
    placement_override_reason: str = "",
):
    """Back to IOP: a new IOP episode (care.services) and the plan paused, in one transaction.
    Clinicians and admins only (care's rule). The move into IOP runs care's placement check:
    missing answers or an unexplained warning raise care's ValidationError. Returns the new
    episode."""
    from recoverypath.care import levels
    from recoverypath.care.selectors import episode_active
    from recoverypath.care.services import episode_start, episode_transition

    _require_coordination(actor, plan.client)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the client steps up to IOP."})
    if plan.status != Status.ACTIVE:
        raise ValidationError({"status": "Only an active plan can step up."})
    with transaction.atomic():
        current = episode_active(client=plan.client, program=plan.program)
        if current is not None and current.level_code == levels.IOP:
            raise DomainError("The client already has an active IOP episode.", code="conflict")
        if current is not None:
            episode = episode_transition(
                actor=actor,
                episode=current,
                level_code=levels.IOP,
                reason=reason,
                placement_answers=placement_answers,
                placement_override_reason=placement_override_reason,
            )
        else:
            episode = episode_start(
                actor=actor,
                client=plan.client,
                program=plan.program,
                level_code=levels.IOP,
                transition_reason=reason,
                placement_answers=placement_answers,
                placement_override_reason=placement_override_reason,
            )
        from_status = _move(plan, Status.PAUSED)
        plan.save(update_fields=["status", "updated_at"])
        _history(plan, actor=actor, from_status=from_status, note=f"Stepped up to IOP: {reason}")
        _audit(actor, plan, plan.client, Action.UPDATE, {"status": [from_status, plan.status]})
    return episode


def aftercare_plan_resume(*, actor, plan: AftercarePlan, note: str = "") -> AftercarePlan:
    return _transition(actor=actor, plan=plan, to_status=Status.ACTIVE, note=note or "Resumed")


def aftercare_plan_complete(*, actor, plan: AftercarePlan, note: str = "") -> AftercarePlan:
    plan = _transition(actor=actor, plan=plan, to_status=Status.COMPLETED, note=note or "Completed")
    pending = CoordinatorCheckIn.objects.filter(
        plan=plan, status=CoordinatorCheckIn.Status.SCHEDULED
    )
    _forget_reminders(list(pending))
    pending.update(status=CoordinatorCheckIn.Status.CANCELLED)
    return plan


def _transition(*, actor, plan: AftercarePlan, to_status: str, note: str) -> AftercarePlan:
    _require_coordination(actor, plan.client)
    with transaction.atomic():
        plan = AftercarePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
        from_status = _move(plan, to_status)
        plan.save(update_fields=["status", "updated_at"])
        _history(plan, actor=actor, from_status=from_status, note=note)
        _audit(actor, plan, plan.client, Action.UPDATE, {"status": [from_status, to_status]})
    return plan


def _component_build(plan: AftercarePlan, data: dict[str, Any]) -> PlanComponent:
    unknown = set(data) - set(COMPONENT_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    component = PlanComponent(plan=plan, **data)
    if component.expected_per_week is None:
        component.expected_per_week = Decimal(0)
    provider = data.get("provider")
    if provider is not None and provider.organization_id != plan.client.organization_id:
        raise ValidationError({"provider": "Choose a provider from your organization's directory."})
    component.full_clean(exclude=["plan"])
    return component


def _testing_policy_for(actor, plan: AftercarePlan, component: PlanComponent) -> None:
    """A "Random testing" component starts the client's testing policy (testing app) at the
    component's rate, from the plan's start (not before today) to its end."""
    if component.kind != PlanComponent.Kind.RANDOM_TESTING:
        return
    from recoverypath.testing.services import policy_start_for_component

    policy_start_for_component(
        actor=actor,
        client=plan.client,
        plan_component_id=component.id,
        tests_per_week=component.expected_per_week,
        start_date=max(plan.start_date, local_today(plan.client.time_zone)),
        end_date=plan.end_date,
    )


def component_add(*, actor, plan: AftercarePlan, **data: Any) -> PlanComponent:
    _require_coordination(actor, plan.client)
    component = _component_build(plan, data)
    with transaction.atomic():
        component.save()
        _testing_policy_for(actor, plan, component)
        _audit(
            actor,
            component,
            plan.client,
            Action.CREATE,
            model_changes({}, snapshot(component, ["kind", "title", "expected_per_week"])),
        )
    return component


def component_contact_log(
    *, actor, component: PlanComponent, day: date, attended: bool = True, note: str = ""
) -> ComponentContact:
    """Log that a component happened (or was missed) on `day`; counts toward adherence.
    A missed therapy session reaches the early-warning rules via `component_contact_logged`."""
    client = component.plan.client
    if not (permissions.can_coordinate(actor, client) or permissions.is_client_user(actor, client)):
        raise PermissionDenied("You cannot log contacts for this plan.")
    if day > local_today(client.time_zone):
        raise ValidationError({"date": "The date cannot be in the future."})
    with transaction.atomic():
        contact = ComponentContact.objects.create(
            component=component, date=day, attended=attended, note=note[:500], recorded_by=actor
        )
        _audit(
            actor,
            contact,
            client,
            Action.CREATE,
            {"date": [None, str(day)], "attended": [None, attended]},
        )
        signals.component_contact_logged.send(ComponentContact, contact=contact)
    return contact


def goal_add(
    *, actor, plan: AftercarePlan, description: str, target_date: date | None = None
) -> Goal:
    _require_coordination(actor, plan.client)
    if not description.strip():
        raise ValidationError({"description": "Describe the goal."})
    if target_date and target_date < plan.start_date:
        raise ValidationError({"target_date": "The target date is before the plan starts."})
    with transaction.atomic():
        goal = Goal.objects.create(
            plan=plan, description=description.strip()[:300], target_date=target_date
        )
        _audit(actor, goal, plan.client, Action.CREATE, {"description": [None, goal.description]})
    return goal


def goal_progress_add(
    *, actor, goal: Goal, note: str, day: date | None = None, status: str | None = None
) -> GoalProgressNote:
    client = goal.plan.client
    _require_coordination(actor, client)
    if not note.strip():
        raise ValidationError({"note": "Write the progress note."})
    day = day or local_today(client.time_zone)
    if day > local_today(client.time_zone):
        raise ValidationError({"date": "The date cannot be in the future."})
    with transaction.atomic():
        entry = GoalProgressNote.objects.create(
            goal=goal, date=day, note=note.strip(), author=actor
        )
        changes: dict[str, Any] = {"note": [None, entry.note[:80]]}
        if status and status != goal.status:
            if status not in Goal.Status.values:
                raise ValidationError({"status": "Choose a goal status."})
            changes["status"] = [goal.status, status]
            goal.status = status
            goal.save(update_fields=["status", "updated_at"])
        _audit(actor, entry, client, Action.CREATE, changes)
    return entry


def coordinator_check_in_schedule(
    *, actor, plan: AftercarePlan, at: datetime
) -> CoordinatorCheckIn:
    _require_coordination(actor, plan.client)
    if timezone.is_naive(at):
        raise ValidationError({"scheduled_at": "Give a time with its time zone."})
    with transaction.atomic():
        item = CoordinatorCheckIn.objects.create(
            plan=plan, client=plan.client, coordinator=plan.coordinator or actor, scheduled_at=at
        )
        _remind(item)
        _audit(actor, item, plan.client, Action.CREATE, {"scheduled_at": [None, at.isoformat()]})
    return item


def coordinator_check_in_record(
    *, actor, check_in: CoordinatorCheckIn, status: str, note: str = ""
) -> CoordinatorCheckIn:
    """Record the outcome of a scheduled one-on-one (attended, missed, cancelled). An attended or
    missed one schedules the next per the plan's cadence while the plan is active."""
    plan = check_in.plan
    _require_coordination(actor, plan.client)
    with transaction.atomic():
        item = CoordinatorCheckIn.objects.select_for_update().get(pk=check_in.pk)
        if status not in CoordinatorCheckIn.ALLOWED_TRANSITIONS[item.status]:
            raise ValidationError({"status": f"A {item.status} check-in cannot become {status}."})
        before = item.status
        item.status, item.note, item.recorded_at = status, note.strip(), timezone.now()
        item.save(update_fields=["status", "note", "recorded_at"])
        _audit(actor, item, plan.client, Action.UPDATE, {"status": [before, status]})
        if status == CoordinatorCheckIn.Status.CANCELLED:
            _forget_reminders([item])
        if status != CoordinatorCheckIn.Status.CANCELLED and plan.status == Status.ACTIVE:
            nxt = item.scheduled_at + timedelta(days=plan.checkin_every_days)
            if (
                nxt.date() <= plan.end_date
                and not CoordinatorCheckIn.objects.filter(
                    plan=plan, status=CoordinatorCheckIn.Status.SCHEDULED
                ).exists()
            ):
                _remind(
                    CoordinatorCheckIn.objects.create(
                        plan=plan,
                        client=plan.client,
                        coordinator=item.coordinator,
                        scheduled_at=nxt,
                    )
                )
        signals.coordinator_check_in_recorded.send(CoordinatorCheckIn, check_in=item)
    return item


def support_preferences_set(
    *, actor, client: Client, text_on_help: list[SupportContact]
) -> SupportPreferences:
    """The client chooses whom else to text when they press "I need help now" (their care team
    is always told). Only their own contacts with a phone number (ValidationError otherwise)."""
    if not permissions.is_client_user(actor, client):
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


def help_request_record(*, actor, client: Client, submission_key: str = "") -> HelpRequest:
    """The client pressed "I need help now". Every client with a login may; nothing to opt into.

    1. Only the client themself (PermissionDenied). `submission_key` comes from the page they
       pressed on: the same key again (a double tap) returns the first request unchanged.
    2. In one transaction: the request; a critical alert that tells the care team at once
       (primary clinician and coordinator, or the admins when there is neither) through quiet
       hours and pages until acknowledged; a safety event (the clinician's "review safety
       plan"); a text to each support contact the client chose.
    3. The request keeps who was told, by name and role, for the client's page.
    """
    if not permissions.is_client_user(actor, client):
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
                )
            except ValidationError:  # a number that cannot be texted: the page says so
                continue
            texted.append(contact.name)
        safety_event_record(
            client=client,
            kind=SafetyEvent.Kind.OTHER,
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
