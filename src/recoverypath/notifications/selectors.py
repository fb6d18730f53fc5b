"""Reads of a person's own notifications."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.core.params import Reach
from recoverypath.core.permissions import Rank

from .models import Channel, Notification, Reminder, ReminderSetting
from .reminder_config import DEFAULTS, ReminderConfig, has_lead, has_send_time

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by(
        "-created_at", "-id"
    )


# What a notification id in a request body may name: the caller's own notifications.
NOTIFICATIONS = Reach(Notification, lambda user: notification_list_for_user(user=user))


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None).count()


def reminders_pending(*, dedup_keys: list[str]) -> list[Reminder]:
    """The scheduled (not yet sent or cancelled) reminders with these dedup keys."""
    return list(Reminder.objects.filter(dedup_key__in=dedup_keys, status=Reminder.Status.SCHEDULED))


def reminder_configs(*, program_id: int) -> dict[str, ReminderConfig]:
    """{kind: ReminderConfig} for every kind of reminder in a program, in one query (a kind the
    program never changed has its default)."""
    return reminder_configs_many(program_ids={program_id})[program_id]


def reminder_configs_many(*, program_ids: set[int]) -> dict[int, dict[str, ReminderConfig]]:
    """{program id: {kind: ReminderConfig}} for these programs, in one query (what a periodic
    sweep over many programs reads)."""
    result = {program_id: dict(DEFAULTS) for program_id in program_ids}
    for row in ReminderSetting.objects.filter(program_id__in=program_ids):
        default = DEFAULTS.get(row.kind)
        if default is None:
            continue
        config = ReminderConfig(
            kind=row.kind,
            enabled=row.enabled,
            lead_minutes=row.lead_minutes if has_lead(row.kind) else None,
            send_time=row.send_time if has_send_time(row.kind) else None,
        )
        if has_lead(row.kind) and row.lead_minutes is None:
            config = replace(config, lead_minutes=default.lead_minutes)
        if has_send_time(row.kind) and row.send_time is None:
            config = replace(config, send_time=default.send_time)
        result[row.program_id][row.kind] = config
    return result


def reminder_config(*, program_id: int, kind: str) -> ReminderConfig:
    """One kind of reminder in one program (its default when the program never changed it)."""
    return reminder_configs(program_id=program_id)[kind]


def reminder_settings_program_get(*, user: User, program_id: int) -> Program:
    """The program whose reminder settings `user` may change (its admins); Http404 for anyone
    else, so the program's existence is never hinted."""
    program = program_list_for_user(user=user, min_rank=Rank.ADMIN).filter(pk=program_id).first()
    if program is None:
        raise Http404("No such program.")
    return program


def reminders_pending_with_prefix(*, recipient_id: int, prefix: str) -> list[Reminder]:
    """The recipient's scheduled reminders whose dedup key starts with `prefix`."""
    return list(
        Reminder.objects.filter(
            recipient_id=recipient_id,
            dedup_key__startswith=prefix,
            status=Reminder.Status.SCHEDULED,
        )
    )


def reminders_live_by_key(*, dedup_keys: list[str]) -> dict[tuple[int, str], Reminder]:
    """{(recipient id, dedup key): reminder} of the scheduled or sent reminders with these keys
    (a scheduled one wins over a sent one), in one query: what a periodic sweep has already
    done."""
    found: dict[tuple[int, str], Reminder] = {}
    rows = Reminder.objects.filter(
        dedup_key__in=dedup_keys,
        status__in=[Reminder.Status.SCHEDULED, Reminder.Status.SENT],
    ).order_by("id")
    for reminder in rows:
        key = (reminder.recipient_id, reminder.dedup_key)
        if key not in found or reminder.status == Reminder.Status.SCHEDULED:
            found[key] = reminder
    return found


def recipients_by_id(*, user_ids: set[int]) -> dict[int, User]:
    """{id: user} of the active people named, with what notification_queue reads of each
    (their preferences, their client record for a text message, the zone of their quiet hours),
    in two queries whatever their number."""
    from recoverypath.accounts.models import User
    from recoverypath.accounts.selectors import display_zones_load

    people = {
        person.id: person
        for person in User.objects.filter(id__in=user_ids, is_active=True).select_related(
            "notification_preference", "client_record"
        )
    }
    display_zones_load(list(people.values()))
    return people
