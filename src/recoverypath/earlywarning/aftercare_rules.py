"""Immediate rules over aftercare events: missed coordinator check-ins and therapy sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import receiver
from django.urls import reverse

from recoverypath.aftercare.selectors import (
    check_in_is_missed,
    component_is_therapy,
    plan_has_started,
)
from recoverypath.aftercare.signals import component_contact_logged, coordinator_check_in_recorded

from .config import SEVERITY, rule_config
from .models import Rule
from .raising import warning_raise

if TYPE_CHECKING:
    from recoverypath.aftercare.models import ComponentContact, CoordinatorCheckIn


def _plan_url(plan) -> str:
    return reverse("aftercare:plan", kwargs={"plan_id": plan.id})


def rule_missed_check_in(*, check_in: CoordinatorCheckIn) -> bool:
    if not check_in_is_missed(check_in) or not plan_has_started(check_in.plan):
        return False
    client = check_in.client
    config = rule_config(program_id=client.program_id, rule=Rule.MISSED_APPOINTMENT)
    if not config.enabled:
        return False
    when = check_in.scheduled_at.astimezone(_zone(client))
    warning_raise(
        client=client,
        rule=Rule.MISSED_APPOINTMENT,
        severity=SEVERITY[Rule.MISSED_APPOINTMENT],
        reason=f"Missed the coordinator check-in on {when:%b} {when.day} at {when:%H:%M}.",
        dedup_key=f"aftercare:missed-checkin:{client.id}:{check_in.id}",
        source=check_in,
        source_url=_plan_url(check_in.plan),
    )
    return True


def rule_missed_therapy(*, contact: ComponentContact) -> bool:
    component = contact.component
    if contact.attended or not component_is_therapy(component):
        return False
    if not plan_has_started(component.plan):
        return False
    client = component.plan.client
    config = rule_config(program_id=client.program_id, rule=Rule.MISSED_APPOINTMENT)
    if not config.enabled:
        return False
    with_whom = f" with {component.provider.name}" if component.provider is not None else ""
    warning_raise(
        client=client,
        rule=Rule.MISSED_APPOINTMENT,
        severity=SEVERITY[Rule.MISSED_APPOINTMENT],
        reason=f"Missed a therapy session{with_whom} on {contact.date:%b} {contact.date.day}.",
        dedup_key=f"aftercare:missed-therapy:{client.id}:{contact.id}",
        source=contact,
        source_url=_plan_url(component.plan),
    )
    return True


def _zone(client):
    from zoneinfo import ZoneInfo

    return ZoneInfo(client.time_zone)


@receiver(coordinator_check_in_recorded, dispatch_uid="earlywarning.aftercare.on_check_in")
def on_coordinator_check_in(sender, check_in: CoordinatorCheckIn, **kwargs) -> None:
    rule_missed_check_in(check_in=check_in)


@receiver(component_contact_logged, dispatch_uid="earlywarning.aftercare.on_contact")
def on_contact(sender, contact: ComponentContact, **kwargs) -> None:
    rule_missed_therapy(contact=contact)
