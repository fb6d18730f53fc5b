"""Who is told, step by step: the escalation chain of an alert, and the notices themselves.

See the package docstring for the order of the steps and how paging repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.urls import reverse

from recoverypath.accounts.selectors import program_admins
from recoverypath.notifications.services import notification_queue

from ..models import Alert, Chain, EscalationPolicy, Severity

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


STEP_LABELS = {
    "assignee": "the assignee",
    "care_team": "the client's clinician and coordinator",
    "clinician": "the client's primary clinician",
    "coordinator": "the client's coordinator",
    "admins": "the program admins",
}


@dataclass(frozen=True)
class Step:
    name: str  # "assignee", "care_team", "clinician", "coordinator", "admins"
    people: list[User]

    @property
    def label(self) -> str:
        return STEP_LABELS[self.name]


def _policy(program_id: int) -> EscalationPolicy:
    """The program's policy, or the defaults (unsaved) when it never changed them."""
    policy = EscalationPolicy.objects.filter(program_id=program_id).first()
    return policy or EscalationPolicy(program_id=program_id)


def _window(program_id: int, severity: str) -> timedelta | None:
    minutes = _policy(program_id).minutes_for(severity)
    return timedelta(minutes=minutes) if minutes else None


def _next_due(alert: Alert, base: datetime) -> datetime | None:
    window = _window(alert.client.program_id, alert.severity)
    return base + window if window else None


def _admins(alert: Alert) -> list[User]:
    return list(program_admins(program_id=alert.client.program_id).order_by("id"))


def escalation_chain(
    alert: Alert, *, admins: list[User] | None = None, chain: str | None = None
) -> list[Step]:
    """The people to tell, step by step, with empty steps and repeats removed. `admins`: the
    program's admins when the caller already has them; `chain`: the program's chain order when
    the caller already has it (Chain.CARE_TEAM by default)."""
    client = alert.client
    order = chain or _policy(client.program_id).chain
    clinician, coordinator = client.primary_clinician, client.coordinator
    steps_of_chain: dict[Chain, list[tuple[str, Sequence[User | None]]]] = {
        Chain.CARE_TEAM: [("care_team", [clinician, coordinator])],
        Chain.CLINICIAN_FIRST: [("clinician", [clinician]), ("coordinator", [coordinator])],
        Chain.COORDINATOR_FIRST: [("coordinator", [coordinator]), ("clinician", [clinician])],
    }
    care_steps = steps_of_chain[Chain(order)]
    candidates: list[tuple[str, Sequence[User | None]]] = [
        ("assignee", [alert.assignee]),
        *care_steps,
        ("admins", _admins(alert) if admins is None else admins),
    ]
    seen: set[int] = set()
    steps: list[Step] = []
    for name, people in candidates:
        fresh = [p for p in people if p is not None and p.is_active and p.id not in seen]
        if fresh:
            steps.append(Step(name, fresh))
            seen.update(p.id for p in fresh)
    return steps


def _notify(alert: Alert, people, *, template: str, extra: dict | None = None) -> list[User]:
    """Queue notices (rows written in this transaction, delivered after commit)."""
    context = {
        "severity": alert.get_severity_display().lower(),
        "kind_label": alert.kind_label,
        **(extra or {}),
    }
    link = reverse("alerts:detail", args=[alert.id])
    told: list[User] = []
    for person in people:
        if person is None or any(p.id == person.id for p in told):
            continue
        notification_queue(
            recipient=person,
            template=template,
            context=context,
            link=link,
            critical=alert.severity == Severity.CRITICAL,
            source=alert,
        )
        told.append(person)
    return told


def _first_notice(alert: Alert) -> list[User]:
    """Tell the first step of the chain (the care team, unless someone holds the alert)."""
    chain = escalation_chain(alert)
    return _notify(alert, chain[0].people if chain else [], template="alerts.raised")
