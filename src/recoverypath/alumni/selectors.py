"""Reads for the alumni community. What one member sees of another: a first name and their own
"about" line, and only when both are listed; never a record, a date or a score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from recoverypath.accounts.models import Program
from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.params import Reach

from .models import Announcement, Event, Member, MentorMatch, MentorOffer, Rsvp
from .permissions import can_see_directory

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


@dataclass(frozen=True)
class Listing:
    first_name: str
    about: str
    member_id: int = 0
    client_id: int = 0


def member_for(*, client: Client) -> Member | None:
    return Member.objects.filter(client=client).select_related("client").first()


def directory(*, member: Member | None) -> list[Listing]:
    if member is None or not can_see_directory(member):
        return []
    rows = (
        Member.objects.filter(program_id=member.program_id, status="active", listed=True)
        .exclude(pk=member.pk)
        .select_related("client")
    )
    return [Listing(m.first_name, m.about, m.id, m.client_id) for m in rows]


def events_going(*, member: Member) -> set[int]:
    """The ids of the events the member said they will come to."""
    return set(member.rsvps.filter(going=True).values_list("event_id", flat=True))


def open_offer(*, member: Member) -> MentorOffer | None:
    """The member's offer to mentor that is awaiting a decision or approved, if any."""
    return member.mentor_offers.filter(status__in=["pending", "approved"]).first()


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


def matches_for_client(*, client: Client) -> QuerySet[MentorMatch]:
    """The client's matches, as mentee or as mentor."""
    return (
        MentorMatch.objects.filter(Q(mentee=client) | Q(offer__member__client=client))
        .exclude(status__in=["declined", "ended"])
        .select_related("mentee", "offer__member__client")
        .order_by("-created_at")
    )


def staff_overview(*, user: User, program_id: int) -> dict[str, Any]:
    """The moderation page of a program's alumni community. Every client named on it (members,
    mentors offering, mentees and their mentors) gets one `list` audit event, in one INSERT."""
    if not permissions.has_rank(user, program_id, permissions.Rank.COORDINATOR):
        return {}
    members = list(Member.objects.filter(program_id=program_id).select_related("client"))
    offers = list(
        MentorOffer.objects.filter(member__program_id=program_id, status="pending").select_related(
            "member__client"
        )
    )
    matches = list(
        MentorMatch.objects.filter(
            mentee__program_id=program_id, status="requested"
        ).select_related("mentee", "offer__member__client")
    )
    shown = {m.client.id: m.client for m in members}
    shown.update({o.member.client.id: o.member.client for o in offers})
    for match in matches:
        shown[match.mentee.id] = match.mentee
        shown[match.offer.member.client.id] = match.offer.member.client
    audit_record_list(actor=user, objects=shown.values(), client_id_attr="id")
    return {
        "members": members,
        "offers": offers,
        "matches": matches,
        "announcements": list(
            Announcement.objects.filter(program_id=program_id, hidden=False)[:20]
        ),
        "events": list(
            events_upcoming(program_id=program_id).annotate(
                going_count=Count("rsvps", filter=Q(rsvps__going=True))
            )
        ),
    }


# --- For the API: the same reads, scoped to the caller ------------------------------------------


def moderated_programs(*, user: User | AnonymousUser) -> QuerySet[Program]:
    """The programs whose alumni community `user` moderates (coordinator and up)."""
    ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    return Program.objects.filter(id__in=ids).order_by("name", "id")


def own_member(*, user: User | AnonymousUser) -> Member | None:
    """The logged-in client's alumni membership (any status), or None."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(client__user=user).select_related("client").first()


def _askable_offers(user: User | AnonymousUser) -> QuerySet[MentorOffer]:
    """Approved offers of active members of the caller's program, never the caller's own: what
    a client may ask for (and what a mentor id in a request body may name)."""
    if not user.is_authenticated:
        return MentorOffer.objects.none()
    return MentorOffer.objects.filter(
        status="approved",
        member__status="active",
        member__program__clients__user=user,
    ).exclude(member__client__user=user)


# What a program id of an alumni write may name: the programs the caller moderates.
MODERATED_PROGRAMS = Reach(Program, lambda user: moderated_programs(user=user))
# What a mentor offer id of a request may name: the mentors the caller may ask.
ASKABLE_OFFERS = Reach(MentorOffer, _askable_offers)


def mentors_askable(*, user: User) -> QuerySet[MentorOffer]:
    """The mentors a client may ask (first names and notes only), oldest offer first."""
    return _askable_offers(user).select_related("member__client").order_by("created_at", "id")


def announcements_for(*, user: User, program_id: int | None = None) -> QuerySet[Announcement]:
    """News a caller may read: an active member their program's, staff their moderated
    programs' (`program_id` narrows); anyone else none. Newest first."""
    visible = Announcement.objects.filter(hidden=False)
    member = own_member(user=user)
    if member is not None and member.status == Member.Status.ACTIVE:
        visible = visible.filter(program_id=member.program_id)
    else:
        visible = visible.filter(program__in=moderated_programs(user=user))
    if program_id is not None:
        visible = visible.filter(program_id=program_id)
    return visible.order_by("-created_at", "-id")


def events_for(*, user: User, program_id: int | None = None) -> QuerySet[Event]:
    """Upcoming events a caller may see (as announcements_for), soonest first, each with
    `going_count` and, for a member, `i_am_going` (their own answer)."""
    member = own_member(user=user)
    events = Event.objects.filter(cancelled=False, starts_at__gte=timezone.now()).annotate(
        going_count=Count("rsvps", filter=Q(rsvps__going=True))
    )
    if member is not None and member.status == Member.Status.ACTIVE:
        events = events.filter(program_id=member.program_id).annotate(
            i_am_going=Exists(Rsvp.objects.filter(event=OuterRef("pk"), member=member, going=True))
        )
    else:
        events = events.filter(program__in=moderated_programs(user=user))
    if program_id is not None:
        events = events.filter(program_id=program_id)
    return events.order_by("starts_at", "id")


def event_for_member(*, member: Member, event_id: int) -> Event:
    """An event of the member's program; Http404 for any other."""
    event = Event.objects.filter(pk=event_id, program_id=member.program_id).first()
    if event is None:
        raise Http404("No such event.")
    return event


def offers_for(*, user: User, program_id: int | None = None) -> QuerySet[MentorOffer]:
    """Mentor offers: staff see those awaiting a decision in their moderated programs; a member
    sees their own (any status). Oldest first."""
    member = own_member(user=user)
    if member is not None:
        offers = MentorOffer.objects.filter(member=member)
    else:
        offers = MentorOffer.objects.filter(
            status="pending", member__program__in=moderated_programs(user=user)
        )
    if program_id is not None:
        offers = offers.filter(member__program_id=program_id)
    return offers.select_related("member__client").order_by("created_at", "id")


def offer_for_moderator(*, user: User, offer_id: int) -> MentorOffer:
    offer = (
        MentorOffer.objects.filter(pk=offer_id, member__program__in=moderated_programs(user=user))
        .select_related("member__client")
        .first()
    )
    if offer is None:
        raise Http404("No such mentor offer.")
    return offer


def _matches() -> QuerySet[MentorMatch]:
    return MentorMatch.objects.select_related("mentee", "offer__member__client")


def matches_for(*, user: User, program_id: int | None = None) -> QuerySet[MentorMatch]:
    """A client's own open matches (as mentee or mentor); staff the requests awaiting their
    approval in their moderated programs. Newest first."""
    own = client_for_user_account(user=user)
    if own is not None:
        matches = (
            _matches()
            .filter(Q(mentee=own) | Q(offer__member__client=own))
            .exclude(status__in=["declined", "ended"])
        )
    else:
        matches = _matches().filter(
            status="requested", mentee__program__in=moderated_programs(user=user)
        )
    if program_id is not None:
        matches = matches.filter(mentee__program_id=program_id)
    return matches.order_by("-created_at", "-id")


def match_for_mentor(*, user: User, match_id: int) -> MentorMatch:
    match = _matches().filter(pk=match_id, offer__member__client__user=user).first()
    if match is None:
        raise Http404("No such request.")
    return match


def match_for_moderator(*, user: User, match_id: int) -> MentorMatch:
    match = (
        _matches().filter(pk=match_id, mentee__program__in=moderated_programs(user=user)).first()
    )
    if match is None:
        raise Http404("No such request.")
    return match


def members_for_moderator(*, user: User, program_id: int | None = None) -> QuerySet[Member]:
    """Every member (any status) of the caller's moderated programs, by first name."""
    members = Member.objects.filter(program__in=moderated_programs(user=user))
    if program_id is not None:
        members = members.filter(program_id=program_id)
    return members.select_related("client")


def member_for_moderator(*, user: User, member_id: int) -> Member:
    member = members_for_moderator(user=user).filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member.")
    return member


def announcement_for_moderator(*, user: User, item_id: int) -> Announcement:
    item = (
        Announcement.objects.filter(pk=item_id, program__in=moderated_programs(user=user))
        .select_related("program")
        .first()
    )
    if item is None:
        raise Http404("No such announcement.")
    return item
