"""Demo schedule: rooms, recurring groups per program, three weeks of past sessions with
attendance and notes, four weeks ahead, a few individual sessions. Only the clients who fit in
the groups get sessions, so the demo stays fast at any client count."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from recoverypath.alerts import demo_data as alerts_demo
from recoverypath.care.models import EpisodeOfCare, Track

from .models import (
    Attendance,
    ClinicalNote,
    Group,
    GroupEnrollment,
    Holiday,
    NoteAddendum,
    Room,
    Session,
)
from .services import sessions_generate

PAST_DAYS = 21
# Graduates (finished "Completed" IOP episodes) get the attendance of an earlier-cohort group over
# their episode, so demo discharge summaries count real sessions; capped to keep big demos fast.
MAX_GRADUATES_WITH_ATTENDANCE = 500
GROUPS = [
    # name, type, track, rrule, start, minutes, capacity
    (
        "Morning process group",
        "group_therapy",
        Track.GENERAL,
        "FREQ=WEEKLY;BYDAY=MO,WE,TH",
        time(9),
        180,
        12,
    ),
    (
        "Evening IOP group",
        "group_therapy",
        Track.GENERAL,
        "FREQ=WEEKLY;BYDAY=TU,WE,TH",
        time(18),
        180,
        12,
    ),
    ("Women's group", "group_therapy", Track.WOMENS, "FREQ=WEEKLY;BYDAY=TU,FR", time(13), 120, 10),
    (
        "Co-occurring skills",
        "psychoeducation",
        Track.CO_OCCURRING,
        "FREQ=WEEKLY;BYDAY=MO,FR",
        time(13),
        90,
        12,
    ),
    (
        "Family psychoeducation",
        "family_therapy",
        Track.GENERAL,
        "FREQ=WEEKLY;BYDAY=SA",
        time(10),
        90,
        15,
    ),
]
# Who each group above is for and how it meets (core.modality.SupportGroupTag).
GROUP_TAGS = [["in_person"], ["online"], ["women", "in_person"], ["in_person"], ["family"]]
STATUSES = [("present", 82), ("late", 6), ("left_early", 4), ("excused", 5), ("unexcused", 3)]
NOTE_TEXT = [
    (
        "Engaged in check-in; described a trigger at work and how they used a coping card.",
        "Insight improving; cravings manageable; no safety concerns voiced.",
        "Continue IOP; practise urge surfing daily; review at next session.",
    ),
    (
        "Quiet at first, later shared about family stress over the weekend.",
        "Mood low but stable; support network active.",
        "Encourage sponsor contact; coordinator to check housing referral.",
    ),
]


def _status(rng) -> str:
    roll = rng.randint(1, 100)
    for status, weight in STATUSES:
        if roll <= weight:
            return status
        roll -= weight
    return "present"


def extend(*, result, rng, today, staff, clients) -> None:
    facilitators = [staff["clinician"], staff["clinician2"]]
    now = timezone.now()
    enrollments: list[GroupEnrollment] = []
    group_members: dict[int, list[int]] = {}
    for p_index, program in enumerate(result.programs):
        facilitator = facilitators[p_index % 2]
        rooms = Room.objects.bulk_create(
            Room(program=program, name=name) for name in ("Cedar room", "Maple room", "Studio")
        )
        Holiday.objects.create(
            program=program,
            date=today + timedelta(days=(3 - today.weekday()) % 7 + 14),
            name="Staff training day",
        )
        active = list(
            EpisodeOfCare.objects.filter(program=program, status="active", level_code="2.1")
            .select_related("client")
            .order_by("client_id")[:200]
        )
        used: set[int] = set()
        for g_index, (name, kind, track, rule, start, minutes, capacity) in enumerate(GROUPS):
            group = Group.objects.create(
                program=program,
                name=name,
                session_type=kind,
                track=track,
                facilitator=facilitator if g_index != 4 else staff["coordinator"],
                room=rooms[g_index % 2] if g_index != 1 else None,
                modality="video" if g_index == 1 else "in_person",
                telehealth_url="https://video.example.test/room/evening-group"
                if g_index == 1
                else "",
                tags=GROUP_TAGS[g_index],
                capacity=capacity,
                rrule=rule,
                start_date=today - timedelta(days=PAST_DAYS + 7),
                start_time=start,
                duration_minutes=minutes,
            )
            sessions_generate(
                group=group,
                until=today + timedelta(days=28),
                today=today - timedelta(days=PAST_DAYS),
            )
            fits = [e for e in active if track == Track.GENERAL or e.track == track]
            # The demo client (clients[0]) is in the morning group of the first program.
            members = [e for e in fits if e.client_id not in used][: capacity + 2]
            if g_index == 0 and p_index == 0 and clients:
                members = [e for e in fits if e.client_id == clients[0].id] + [
                    e for e in members if e.client_id != clients[0].id
                ]
            for position, episode in enumerate(members):
                waiting = position >= capacity
                enrollments.append(
                    GroupEnrollment(
                        group=group,
                        client_id=episode.client_id,
                        status="waitlisted" if waiting else "active",
                        joined_on=None if waiting else today - timedelta(days=PAST_DAYS + 7),
                        waitlisted_at=now - timedelta(hours=10 - position) if waiting else None,
                    )
                )
                if not waiting:
                    used.add(episode.client_id)
                    group_members.setdefault(group.id, []).append(episode.client_id)
    GroupEnrollment.objects.bulk_create(enrollments)

    past = list(
        Session.objects.filter(
            program__in=result.programs, group__isnull=False, ends_at__lt=now, status="scheduled"
        ).select_related("program")
    )
    attendance = []
    for session in past:
        if session.group_id is None:  # group sessions only (the query says so)
            continue
        for client_id in group_members.get(session.group_id, []):
            status = _status(rng)
            minutes = session.duration_minutes
            if status == "late":
                minutes -= rng.choice([15, 20, 30])
            elif status == "left_early":
                minutes -= rng.choice([30, 45, 60])
            elif status in Attendance.ABSENT:
                minutes = 0
            attendance.append(
                Attendance(
                    session=session,
                    client_id=client_id,
                    status=status,
                    minutes_attended=minutes,
                    recorded_by=session.facilitator,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    # The demo's "unexcused absences from group" alerts belong to clients in a group.
    alerts_demo.rehome(
        clients=clients,
        kind_prefixes=("attendance.",),
        client_ids=[i for members in group_members.values() for i in members],
    )

    _graduates_attendance(result=result, rng=rng, today=today, facilitators=facilitators)

    # Notes: signed for the last week of the first clinician's sessions, three drafts overdue.
    clinician = staff["clinician"]
    recent = [
        a
        for a in attendance
        if a.session.facilitator_id == clinician.id
        and a.status not in Attendance.ABSENT
        and a.session.starts_at > now - timedelta(days=8)
    ][:60]
    notes = []
    for index, record in enumerate(recent):
        data, assessment, plan = NOTE_TEXT[index % len(NOTE_TEXT)]
        draft = index < 3
        notes.append(
            ClinicalNote(
                session=record.session,
                client_id=record.client_id,
                author=clinician,
                data=data,
                assessment=assessment,
                plan=plan,
                status="draft" if draft else "signed",
                signed_at=None if draft else record.session.ends_at + timedelta(hours=2),
            )
        )
    ClinicalNote.objects.bulk_create(notes)
    drafts = [n.id for n in notes if n.status == "draft"]
    ClinicalNote.objects.filter(id__in=drafts).update(created_at=now - timedelta(hours=80))
    signed = [n for n in notes if n.status == "signed"][:2]
    NoteAddendum.objects.bulk_create(
        NoteAddendum(note=n, author=clinician, text="Client called the next day: kept the plan.")
        for n in signed
    )

    # Individual sessions next week for the demo client and a few others, afternoons only.
    if clients:
        program = clients[0].program
        zone = ZoneInfo(program.time_zone)
        monday = today + timedelta(days=7 - today.weekday())
        individual = []
        chosen = [
            clients[0].id,
            *list(
                group_members.get(
                    Group.objects.filter(program=program)
                    .order_by("id")
                    .values_list("id", flat=True)[0],
                    [],
                )
            )[1:6],
        ]
        for offset, client_id in enumerate(chosen):
            begins = datetime.combine(
                monday + timedelta(days=offset % 5), time(15, 30), tzinfo=zone
            )
            video = offset % 2 == 0  # every other one by video, the demo client's first
            individual.append(
                Session(
                    program=program,
                    client_id=client_id,
                    session_type="individual_counseling",
                    facilitator=clinician,
                    modality="video" if video else "in_person",
                    telehealth_url=f"https://video.example.test/room/counseling-{client_id}"
                    if video
                    else "",
                    starts_at=begins.astimezone(UTC),
                    ends_at=(begins + timedelta(minutes=50)).astimezone(UTC),
                )
            )
        individual.append(
            Session(
                program=program,
                client_id=clients[0].id,
                session_type="coordinator_checkin",
                facilitator=staff["coordinator"],
                starts_at=datetime.combine(
                    monday + timedelta(days=3), time(16, 30), tzinfo=zone
                ).astimezone(UTC),
                ends_at=datetime.combine(
                    monday + timedelta(days=3), time(16, 50), tzinfo=zone
                ).astimezone(UTC),
            )
        )
        Session.objects.bulk_create(individual)


def _graduates_attendance(*, result, rng, today, facilitators) -> None:
    """An earlier-cohort IOP group per program (Mon/Wed/Thu 09:00-12:00, 9 hours a week, the
    ASAM 2.1 minimum) that met over the graduates' episodes, with their attendance at the usual
    rates; sessions nobody attended are dropped, and the group is closed (it ended yesterday)."""
    graduates = list(
        EpisodeOfCare.objects.filter(
            program__in=result.programs,
            level_code="2.1",
            status="finished",
            end_reason__startswith="Completed",
        ).order_by("id")[:MAX_GRADUATES_WITH_ATTENDANCE]
    )
    by_program: dict[int, list[EpisodeOfCare]] = {}
    for episode in graduates:
        by_program.setdefault(episode.program_id, []).append(episode)
    for p_index, program in enumerate(result.programs):
        episodes = by_program.get(program.id)
        if not episodes:
            continue
        start = min(e.start_date for e in episodes)
        group = Group.objects.create(
            program=program,
            name="IOP process group (earlier cohorts)",
            session_type="group_therapy",
            track=Track.GENERAL,
            facilitator=facilitators[p_index % 2],
            capacity=max(12, len(episodes)),
            rrule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
            start_date=start,
            start_time=time(9),
            duration_minutes=180,
            end_date=today - timedelta(days=1),
        )
        sessions_generate(group=group, until=today - timedelta(days=1), today=start)
        zone = ZoneInfo(program.time_zone)
        sessions = list(Session.objects.filter(group=group).order_by("starts_at"))
        rows = []
        for episode in episodes:
            for session in sessions:
                day = session.starts_at.astimezone(zone).date()
                if episode.end_date is None or not episode.start_date <= day <= episode.end_date:
                    continue
                status = _status(rng)
                minutes = session.duration_minutes
                if status == "late":
                    minutes -= rng.choice([15, 20, 30])
                elif status == "left_early":
                    minutes -= rng.choice([30, 45, 60])
                elif status in Attendance.ABSENT:
                    minutes = 0
                rows.append(
                    Attendance(
                        session=session,
                        client_id=episode.client_id,
                        status=status,
                        minutes_attended=minutes,
                        recorded_by=session.facilitator,
                    )
                )
        Attendance.objects.bulk_create(rows, batch_size=2000)
        GroupEnrollment.objects.bulk_create(
            GroupEnrollment(
                group=group,
                client_id=e.client_id,
                status="ended",
                joined_on=e.start_date,
                ended_on=e.end_date,
            )
            for e in episodes
        )
        Session.objects.filter(group=group, attendance__isnull=True).delete()
        Group.objects.filter(pk=group.pk).update(is_active=False)
