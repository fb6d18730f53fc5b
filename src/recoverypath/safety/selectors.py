"""Reads of safety plans, safety profiles and safety events; crisis resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.core import permissions
from recoverypath.core.phones import display_phone

from .models import SafetyEvent, SafetyPlan, SafetyProfile

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


@dataclass(frozen=True)
class CrisisResource:
    name: str
    how: str  # what to do, in words: "Call or text 988"
    call: str = ""  # tel: target
    text: str = ""  # sms: target
    text_body: str = ""


NATIONAL_RESOURCES: tuple[CrisisResource, ...] = (
    CrisisResource("988 Suicide & Crisis Lifeline", "Call or text 988", call="988", text="988"),
    CrisisResource("Crisis Text Line", "Text HOME to 741741", text="741741", text_body="HOME"),
    CrisisResource("Emergency", "Call 911 if you are in immediate danger", call="911"),
)


def crisis_resources(*, program) -> list[CrisisResource]:
    """988, Crisis Text Line, 911 and the program's own after-hours line when it has one."""
    resources = list(NATIONAL_RESOURCES)
    phone = getattr(program, "after_hours_phone", "") if program is not None else ""
    if phone:
        resources.insert(
            2,
            CrisisResource(
                f"{program.name} after-hours line",
                f"Call {display_phone(phone)}",
                call=phone,
            ),
        )
    return resources


def safety_plan_current(*, client) -> SafetyPlan | None:
    """The newest version of the client's safety plan, or None when there is none yet."""
    return (
        SafetyPlan.objects.select_related("written_by")
        .filter(client_id=client.id)
        .order_by("-version")
        .first()
    )


def safety_plan_versions(*, client) -> QuerySet[SafetyPlan]:
    """Every version, newest first (one query)."""
    return (
        SafetyPlan.objects.select_related("written_by")
        .filter(client_id=client.id)
        .order_by("-version")
    )


def safety_plan_version_get(*, client, version: int) -> SafetyPlan | None:
    return (
        SafetyPlan.objects.select_related("written_by")
        .filter(client_id=client.id, version=version)
        .first()
    )


def safety_plan_queryset_for_user(*, user: User) -> QuerySet[SafetyPlan]:
    """Plans `user` may read: their own as a client; staff coordinator+ by program."""
    if not user.is_authenticated or not user.is_active:
        return SafetyPlan.objects.none()
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    scope = Q(client__user_id=user.id)
    if program_ids:
        scope |= Q(client__program_id__in=program_ids)
    return SafetyPlan.objects.filter(scope).select_related("client", "written_by")


def safety_profile_get(*, client) -> SafetyProfile | None:
    return SafetyProfile.objects.filter(client_id=client.id).first()


def safety_plan_required(*, client) -> bool:
    """True when the client has a recorded history of self-harm or any positive screen."""
    if SafetyProfile.objects.filter(client_id=client.id, history_of_self_harm=True).exists():
        return True
    return SafetyEvent.objects.filter(
        client_id=client.id, kind=SafetyEvent.Kind.POSITIVE_SCREEN
    ).exists()


def safety_events_open(*, client) -> QuerySet[SafetyEvent]:
    return SafetyEvent.objects.filter(client_id=client.id, review_completed_at__isnull=True)


def safety_event_get(*, user: User, event_id: int) -> SafetyEvent:
    """A safety event of a client `user` may see, else Http404 (never a hint it exists)."""
    event = (
        SafetyEvent.objects.select_related("client")
        .filter(pk=event_id, client__in=client_queryset_for_user(user=user))
        .first()
    )
    if event is None:
        raise Http404("No such safety event.")
    return event


def safety_reviews_due(*, user: User) -> QuerySet[SafetyEvent]:
    """Open "review safety plan" follow-ups `user` owes: their own caseload, and clients with no
    primary clinician in programs where they are a clinician or admin. One query."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN)
    if not program_ids:
        return SafetyEvent.objects.none()
    return (
        SafetyEvent.objects.filter(
            review_completed_at__isnull=True, client__program_id__in=program_ids
        )
        .filter(Q(client__primary_clinician_id=user.id) | Q(client__primary_clinician__isnull=True))
        .select_related("client")
        .order_by("occurred_at", "id")
    )
