"""Reads for the alumni community. What one member sees of another: a first name and their own
"about" line, and only when both are listed; never a record, a date or a score."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from recoverypath.core import permissions

from .models import Announcement, Event, Member, MentorMatch, MentorOffer
from .permissions import can_see_directory


@dataclass(frozen=True)
class Listing:
    first_name: str
    about: str


def member_for(*, client) -> Member | None:
    return Member.objects.filter(client=client).select_related("client").first()


def directory(*, member: Member | None) -> list[Listing]:
    if not can_see_directory(member):
        return []
    rows = (
        Member.objects.filter(program_id=member.program_id, status="active", listed=True)
        .exclude(pk=member.pk)
        .select_related("client")
    )
    return [Listing(m.first_name, m.about) for m in rows]


def announcements(*, program_id: int, limit: int = 20) -> list[Announcement]:
    return list(Announcement.objects.filter(program_id=program_id, hidden=False)[:limit])


def events_upcoming(*, program_id: int) -> QuerySet[Event]:
    return Event.objects.filter(
        program_id=program_id, cancelled=False, starts_at__gte=timezone.now()
    ).order_by("starts_at")


def mentors_available(*, program_id: int, exclude_client_id: int) -> list[MentorOffer]:
    return list(
        MentorOffer.objects.filter(
            status="approved", member__program_id=program_id, member__status="active"
        )
        .exclude(member__client_id=exclude_client_id)
        .select_related("member__client")
    )


def matches_for_client(*, client) -> QuerySet[MentorMatch]:
    """The client's matches, as mentee or as mentor."""
    return (
        MentorMatch.objects.filter(Q(mentee=client) | Q(offer__member__client=client))
        .exclude(status__in=["declined", "ended"])
        .select_related("mentee", "offer__member__client")
        .order_by("-created_at")
    )


def staff_overview(*, user, program_id: int) -> dict:
    if not permissions.has_rank(user, program_id, permissions.Rank.COORDINATOR):
        return {}
    return {
        "members": list(Member.objects.filter(program_id=program_id).select_related("client")),
        "offers": list(
            MentorOffer.objects.filter(
                member__program_id=program_id, status="pending"
            ).select_related("member__client")
        ),
        "matches": list(
            MentorMatch.objects.filter(
                mentee__program_id=program_id, status="requested"
            ).select_related("mentee", "offer__member__client")
        ),
        "announcements": list(
            Announcement.objects.filter(program_id=program_id, hidden=False)[:20]
        ),
        "events": list(
            events_upcoming(program_id=program_id).annotate(
                going_count=Count("rsvps", filter=Q(rsvps__going=True))
            )
        ),
    }
