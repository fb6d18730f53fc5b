"""Writes for the alumni community. Each checks who acts, runs in one transaction, and leaves an
audit event (membership is Part 2 information: joining, leaving and every staff decision are
recorded)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from recoverypath.alerts.services import alert_raise
from recoverypath.care import levels
from recoverypath.care.selectors import episode_timeline
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record

from .models import Announcement, Event, HelpRequest, Member, MentorMatch, MentorOffer, Rsvp
from .permissions import can_act_for_member, can_moderate_community

if TYPE_CHECKING:
    from django.db.models import Model

    from recoverypath.accounts.models import Program, User
    from recoverypath.clients.models import Client

HELP_KIND = "alumni.help"


def _audit(
    actor: User,
    obj: Model,
    client_id: int | None,
    action: str,
    changes: dict[str, Any] | None = None,
    organization_id: int | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        client_id=client_id,
        organization_id=organization_id,
        changes=changes or {},
    )


def finished_iop(client: Client) -> bool:
    return any(
        ep.level_code in levels.IOP_LEVELS and ep.status == "finished"
        for ep in episode_timeline(client=client)
    )


def member_join(*, actor: User, client: Client, listed: bool, about: str = "") -> Member:
    """The client joins their program's alumni community (only after finishing IOP)."""
    if not permissions.is_client_user(actor, client):
        raise PermissionDenied("Only the client can join the alumni community.")
    if not finished_iop(client):
        raise ValidationError("The alumni community opens once you have finished IOP.")
    with transaction.atomic():
        member, created = Member.objects.select_for_update().get_or_create(
            client=client, defaults={"program_id": client.program_id}
        )
        if member.status == Member.Status.SUSPENDED:
            raise PermissionDenied("Your membership is paused by staff; ask your coordinator.")
        member.status = Member.Status.ACTIVE
        member.listed = bool(listed)
        member.about = (about or "").strip()[:300]
        member.save()
        _audit(
            actor,
            member,
            client.id,
            Action.CREATE if created else Action.UPDATE,
            {"listed": member.listed},
        )
    return member


def member_leave(*, actor: User, member: Member) -> Member:
    if not can_act_for_member(actor, member):
        raise PermissionDenied
    with transaction.atomic():
        member.status, member.listed = Member.Status.LEFT, False
        member.save(update_fields=["status", "listed"])
        MentorOffer.objects.filter(member=member, status__in=["pending", "approved"]).update(
            status=MentorOffer.Status.WITHDRAWN
        )
        _audit(actor, member, member.client_id, Action.UPDATE, {"status": "left"})
    return member


def member_suspend(*, actor: User, member: Member, reason: str) -> Member:
    """Staff moderation: the member is hidden and cannot act until restored."""
    if not can_moderate_community(actor, member.program_id):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why (the member is told)."})
    with transaction.atomic():
        member.status, member.status_reason = Member.Status.SUSPENDED, reason[:300]
        member.save(update_fields=["status", "status_reason"])
        _audit(actor, member, member.client_id, Action.UPDATE, {"status": "suspended"})
    return member


def mentor_volunteer(*, actor: User, member: Member, note: str = "") -> MentorOffer:
    if not can_act_for_member(actor, member):
        raise PermissionDenied
    with transaction.atomic():
        offer = MentorOffer.objects.filter(
            member=member, status__in=["pending", "approved"]
        ).first()
        if offer is None:
            offer = MentorOffer.objects.create(member=member, note=(note or "").strip()[:300])
            _audit(actor, offer, member.client_id, Action.CREATE)
    return offer


def mentor_offer_decide(*, actor: User, offer: MentorOffer, approve: bool) -> MentorOffer:
    if not can_moderate_community(actor, offer.member.program_id):
        raise PermissionDenied
    if offer.status != MentorOffer.Status.PENDING:
        raise ValidationError("This offer is already decided.")
    with transaction.atomic():
        offer.status = MentorOffer.Status.APPROVED if approve else MentorOffer.Status.DECLINED
        offer.decided_by, offer.decided_at = actor, timezone.now()
        offer.save()
        _audit(actor, offer, offer.member.client_id, Action.UPDATE, {"status": offer.status})
    return offer


def mentor_ask(*, actor: User, client: Client, offer: MentorOffer) -> MentorMatch:
    """A client asks an approved mentor of their program: the client's consent."""
    if not permissions.is_client_user(actor, client):
        raise PermissionDenied("Only the client can ask for a mentor.")
    if offer.status != MentorOffer.Status.APPROVED or offer.member.program_id != client.program_id:
        raise ValidationError("That mentor is not available.")
    if offer.member.client_id == client.id:
        raise ValidationError("You cannot be your own mentor.")
    if offer.member.status != Member.Status.ACTIVE:
        raise ValidationError("That mentor is not available.")
    with transaction.atomic():
        match = MentorMatch.objects.filter(
            offer=offer, mentee=client, status__in=["requested", "active"]
        ).first()
        if match is None:
            match = MentorMatch.objects.create(
                offer=offer, mentee=client, mentee_agreed_at=timezone.now()
            )
            _audit(actor, match, client.id, Action.CREATE)
    return match


def _activate_if_ready(match: MentorMatch) -> None:
    if (
        match.mentor_agreed_at
        and match.approved_at
        and match.status == MentorMatch.Status.REQUESTED
    ):
        match.status = MentorMatch.Status.ACTIVE


def mentor_agree(*, actor: User, match: MentorMatch, agree: bool) -> MentorMatch:
    """The mentor's consent (or refusal) to this client."""
    if not can_act_for_member(actor, match.offer.member):
        raise PermissionDenied
    if match.status != MentorMatch.Status.REQUESTED:
        raise ValidationError("This request is already settled.")
    with transaction.atomic():
        if agree:
            match.mentor_agreed_at = timezone.now()
            _activate_if_ready(match)
        else:
            match.status = MentorMatch.Status.DECLINED
        match.save()
        _audit(actor, match, match.offer.member.client_id, Action.UPDATE, {"mentor_agreed": agree})
    return match


def match_approve(*, actor: User, match: MentorMatch, approve: bool) -> MentorMatch:
    """Staff approve (or decline) the pair."""
    if not can_moderate_community(actor, match.mentee.program_id):
        raise PermissionDenied
    if match.status != MentorMatch.Status.REQUESTED:
        raise ValidationError("This request is already settled.")
    with transaction.atomic():
        if approve:
            match.approved_by, match.approved_at = actor, timezone.now()
            _activate_if_ready(match)
        else:
            match.status = MentorMatch.Status.DECLINED
        match.save()
        _audit(actor, match, match.mentee_id, Action.UPDATE, {"approved": approve})
    return match


def event_create(
    *, actor: User, program, title: str, starts_at: datetime, place: str = "", online_url: str = ""
) -> Event:
    if not can_moderate_community(actor, program.id):
        raise PermissionDenied
    if not (title or "").strip():
        raise ValidationError({"title": "Give the event a title."})
    if not place and not online_url:
        raise ValidationError({"place": "Say where it is, or give the online link."})
    with transaction.atomic():
        event = Event(
            program=program,
            title=title.strip()[:200],
            starts_at=starts_at,
            place=place,
            online_url=online_url,
            created_by=actor,
        )
        event.full_clean()
        event.save()
        _audit(actor, event, None, Action.CREATE, organization_id=program.organization_id)
    return event


def rsvp_set(*, actor: User, member: Member, event: Event, going: bool) -> Rsvp:
    if not can_act_for_member(actor, member):
        raise PermissionDenied
    if event.program_id != member.program_id or event.cancelled:
        raise ValidationError("That event is not open.")
    with transaction.atomic():
        rsvp, _ = Rsvp.objects.update_or_create(
            event=event, member=member, defaults={"going": going}
        )
        _audit(actor, rsvp, member.client_id, Action.UPDATE, {"going": going})
    return rsvp


def announcement_post(*, actor: User, program: Program, title: str, body: str) -> Announcement:
    if not can_moderate_community(actor, program.id):
        raise PermissionDenied
    if not (title or "").strip() or not (body or "").strip():
        raise ValidationError("An announcement needs a title and a text.")
    with transaction.atomic():
        item = Announcement.objects.create(
            program=program, title=title.strip()[:200], body=body.strip()[:4000], created_by=actor
        )
        _audit(actor, item, None, Action.CREATE, organization_id=program.organization_id)
    return item


def announcement_hide(*, actor: User, item: Announcement) -> Announcement:
    if not can_moderate_community(actor, item.program_id):
        raise PermissionDenied
    item.hidden = True
    item.save(update_fields=["hidden"])
    _audit(actor, item, None, Action.UPDATE, {"hidden": True}, item.program.organization_id)
    return item


def help_ask(*, actor: User, member: Member, message: str = "") -> HelpRequest:
    """The member asks for help: an alert to their care team (never a post to the community)."""
    if not can_act_for_member(actor, member):
        raise PermissionDenied
    with transaction.atomic():
        item = HelpRequest.objects.create(member=member, message=(message or "").strip()[:1000])
        alert = alert_raise(
            client=member.client,
            kind=HELP_KIND,
            severity="high",
            reason="An alumnus asked for help through the alumni page."
            + (f" They wrote: {item.message}" if item.message else ""),
            dedup_key=f"alumni:help:{item.id}",
            source=item,
            actor=actor,
        )
        item.alert_id = alert.id
        item.save(update_fields=["alert_id"])
        _audit(actor, item, member.client_id, Action.CREATE)
    return item


REMIND_BEFORE = timedelta(hours=24)


def event_reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind members who said they will come, once per event, in the 24 hours before it.
    E-mail and SMS say only "a message from your program" (membership is Part 2 data); the
    event's name is in the app. Returns the number of members told."""
    from zoneinfo import ZoneInfo

    from recoverypath.notifications.services import notification_queue

    now = now or timezone.now()
    told = 0
    due = Event.objects.filter(
        cancelled=False,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).select_related("program")
    for event in due:
        with transaction.atomic():
            locked = (
                Event.objects.select_for_update()
                .filter(pk=event.pk, reminded_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            when = event.starts_at.astimezone(ZoneInfo(event.program.time_zone))
            for rsvp in event.rsvps.filter(going=True, member__status="active").select_related(
                "member__client__user"
            ):
                notification_queue(
                    recipient=rsvp.member.client.user,
                    template="alumni.event_reminder",
                    context={
                        "title": event.title,
                        # wall-clock time at the program, written out in the member's language
                        "when": when.replace(tzinfo=None),
                    },
                    link="/me/",  # a neutral link: the URL leaves the app too
                    source=event,
                )
                told += 1
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
    return told
