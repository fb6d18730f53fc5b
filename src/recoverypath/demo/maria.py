"""Maria Demo-Sample: one named demo client, built the same way on every run, who shows "My plan"
at its fullest. She finished a 6-week IOP three weeks ago and is in aftercare with exactly four
components: weekly telehealth therapy with an outside therapist, women's AA meetings, a fitness
group for accountability and the app's own daily check-in as her sobriety tracker; three goals
with progress notes, a coordinator check-in in a few days and an individual therapy appointment
in the next days.

Every row is fictional and derived from `today` alone (no random draws), so the rest of the demo
stays as it was and the same day always gives the same Maria. She is built after every app's
demo data: no other stage picks her up by accident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from recoverypath.accounts.models import Program, User
from recoverypath.aftercare.models import (
    AftercarePlan,
    AftercarePlanChange,
    ComponentContact,
    CoordinatorCheckIn,
    ExternalProvider,
    Goal,
    GoalProgressNote,
    PlanComponent,
)
from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client, Sex, SupportContact
from recoverypath.core.modality import Modality
from recoverypath.discharge.checklist import SPECS
from recoverypath.discharge.models import ChecklistItem, DischargePlan
from recoverypath.monitoring.models import CheckIn, MeetingAttendance
from recoverypath.scheduling.models import Attendance, Session

IOP_WEEKS = 6
AFTERCARE_DAYS = 21  # she graduated three weeks ago
THERAPY_TITLE = "Weekly telehealth therapy"
# Her next therapy session is by video: a fictional room (example.test never resolves).
THERAPY_JOIN_URL = "https://video.example.test/room/maria-demo-sample"
AA_TITLE = "Women's AA meetings"
FITNESS_TITLE = "Fitness group for accountability"
TRACKER_TITLE = "Daily sobriety tracker"
COMPONENT_TITLES = (THERAPY_TITLE, AA_TITLE, FITNESS_TITLE, TRACKER_TITLE)
GOALS = (
    "Go to three women's AA meetings every week",
    "Ask someone from the women's group to be my sponsor",
    "Walk-run a 5K with the fitness group",
)


@dataclass
class Maria:
    client: Client
    user: User
    plan: AftercarePlan


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def maria_build(
    *,
    program: Program,
    clinician: User,
    coordinator: User,
    today: date,
    email: str,
    password: str,
    mrn: str = "DEMO-MARIA",
) -> Maria:
    """Create Maria in `program` with her login (`password` already hashed), her finished IOP,
    graduation and aftercare. Bulk inserts without signals, as the rest of the demo."""
    zone = program.time_zone
    graduated = today - timedelta(days=AFTERCARE_DAYS)
    iop_start = graduated - timedelta(weeks=IOP_WEEKS)
    user = User.objects.create(
        email=email, first_name="Maria", last_name="Demo-Sample", password=password
    )
    client = Client.objects.create(
        organization_id=program.organization_id,
        program=program,
        mrn=mrn,
        first_name="Maria",
        last_name="Demo-Sample",
        pronouns="she/her",
        date_of_birth=today - timedelta(days=34 * 365 + 100),
        sex_assigned_at_birth=Sex.FEMALE,
        phone="+12025550199",  # 555-01xx: reserved for fiction
        email=email,
        time_zone=zone,
        primary_clinician=clinician,
        coordinator=coordinator,
        sobriety_date=iop_start - timedelta(days=3),
        user=user,
    )
    SupportContact.objects.create(
        client=client,
        kind="family",
        name="Rosa Demo-Sample",
        relationship="Sister",
        phone="+12025550198",
        is_emergency_contact=True,
    )
    iop = EpisodeOfCare.objects.create(
        client=client,
        program=program,
        level_code="2.1",
        status=EpisodeOfCare.Status.FINISHED,
        start_date=iop_start,
        end_date=graduated,
        planned_end_date=graduated,
        end_reason="Completed IOP.",
        placement_answers={
            "needs_withdrawal_management": False,
            "living_environment_unsafe": False,
            "acute_safety_risk": False,
            "can_attend_hours": True,
        },
        created_by=clinician,
    )
    EpisodeOfCare.objects.create(
        client=client,
        program=program,
        level_code="aftercare",
        status=EpisodeOfCare.Status.ACTIVE,
        start_date=graduated,
        planned_end_date=graduated + timedelta(days=90),
        previous_episode=iop,
        created_by=clinician,
    )
    _iop_attendance(client, program, clinician, iop_start, graduated)
    plan = _aftercare(client, program, iop, coordinator, graduated, today)
    _graduation(client, program, iop, clinician, coordinator, graduated, plan)
    _check_ins_and_meetings(client, graduated, today)
    Session.objects.create(
        program=program,
        client=client,
        session_type="individual_counseling",
        facilitator=clinician,
        starts_at=_at(today + timedelta(days=2), 17, 30, zone),
        ends_at=_at(today + timedelta(days=2), 18, 20, zone),
        modality=Modality.VIDEO,
        telehealth_url=THERAPY_JOIN_URL,
        created_by=clinician,
    )
    return Maria(client=client, user=user, plan=plan)


def _iop_attendance(client, program, clinician, start: date, end: date) -> None:
    """A weekly individual session through the IOP, all attended (her record's hours)."""
    sessions = [
        Session(
            program=program,
            client=client,
            session_type="individual_counseling",
            facilitator=clinician,
            starts_at=_at(start + timedelta(days=7 * week + 1), 16, 0, program.time_zone),
            ends_at=_at(start + timedelta(days=7 * week + 1), 16, 50, program.time_zone),
            created_by=clinician,
        )
        for week in range(IOP_WEEKS)
        if start + timedelta(days=7 * week + 1) < end
    ]
    Session.objects.bulk_create(sessions)
    Attendance.objects.bulk_create(
        Attendance(
            session=s, client=client, status="present", minutes_attended=50, recorded_by=clinician
        )
        for s in sessions
    )


def _aftercare(client, program, iop, coordinator, start: date, today: date) -> AftercarePlan:
    zone = program.time_zone
    plan = AftercarePlan.objects.create(
        client=client,
        program=program,
        episode=iop,
        coordinator=coordinator,
        length=AftercarePlan.Length.THREE,
        start_date=start,
        end_date=start + relativedelta(months=3),
        checkin_every_days=14,
        notes="Graduated from a 6-week IOP. Strong week routine; evenings alone are the risk.",
        created_by=coordinator,
    )
    AftercarePlanChange.objects.create(plan=plan, to_status="active", note="Plan started")
    org = program.organization_id
    therapist = ExternalProvider.objects.create(
        organization_id=org,
        name="Bluejay Telehealth Counseling (fictional)",
        kind=ExternalProvider.Kind.THERAPIST,
        services="Individual therapy by video, CBT, women's recovery",
        address="88 Pretend Parkway, Suite 4, Springfield",
        phone="+12025550191",
        telehealth=True,
        accepted_insurance="Medicaid, Example Health Plan",
    )
    fitness = ExternalProvider.objects.create(
        organization_id=org,
        name="Riverside Striders (fictional)",
        kind=ExternalProvider.Kind.OTHER,
        services="Free run-walk group, all levels",
        address="Riverside Park track, Springfield",
        phone="+12025550192",
    )
    therapy, _aa, fit, _tracker = PlanComponent.objects.bulk_create(
        [
            PlanComponent(
                plan=plan,
                kind=PlanComponent.Kind.THERAPY,
                title=THERAPY_TITLE,
                frequency=PlanComponent.Frequency.WEEKLY,
                expected_per_week=1,
                provider=therapist,
                details=(
                    "Individual therapy by video with Dr. Odessa Wrenfield (fictional), weekly "
                    "at 5:30 pm. The video link comes by e-mail the day before."
                ),
            ),
            PlanComponent(
                plan=plan,
                kind=PlanComponent.Kind.SUPPORT_GROUP,
                title=AA_TITLE,
                group_type=PlanComponent.GroupType.AA,
                frequency=PlanComponent.Frequency.SEVERAL,
                expected_per_week=3,
                meeting_schedule=(
                    "Mon 7pm Lantern Hall Women's Group · Wed 7pm Bluebell Women's Step Study · "
                    "Sat 10am Sunrise Sisters"
                ),
                details="Women-only meetings. Sit near the front and stay for coffee after.",
            ),
            PlanComponent(
                plan=plan,
                kind=PlanComponent.Kind.ACTIVITY,
                title=FITNESS_TITLE,
                frequency=PlanComponent.Frequency.SEVERAL,
                expected_per_week=2,
                provider=fitness,
                meeting_schedule="Tue and Fri 6:30am · Riverside Park track",
                details="Run-walk group; the coach texts if you miss a week.",
            ),
            PlanComponent(
                plan=plan,
                kind=PlanComponent.Kind.DIGITAL,
                title=TRACKER_TITLE,
                frequency=PlanComponent.Frequency.DAILY,
                expected_per_week=7,
                details=(
                    "The daily check-in in this app: mood, cravings and sleep. It keeps the "
                    "sobriety counter on your home page."
                ),
            ),
        ]
    )
    contacts = []
    therapy_weekday = (today + timedelta(days=2)).weekday()  # as the appointment to come
    day = start
    while day < today:
        if day.weekday() == therapy_weekday:
            contacts.append(ComponentContact(component=therapy, date=day, recorded_by=coordinator))
        if day.weekday() in (1, 4) and day < today - timedelta(days=1):  # fitness, Tue and Fri
            contacts.append(ComponentContact(component=fit, date=day, recorded_by=coordinator))
        day += timedelta(days=1)
    ComponentContact.objects.bulk_create(contacts)
    goals = Goal.objects.bulk_create(
        [
            Goal(plan=plan, description=GOALS[0], target_date=start + timedelta(days=60)),
            Goal(plan=plan, description=GOALS[1], target_date=start + timedelta(days=45)),
            Goal(plan=plan, description=GOALS[2], target_date=plan.end_date),
        ]
    )
    GoalProgressNote.objects.bulk_create(
        [
            GoalProgressNote(
                goal=goals[0],
                date=today - timedelta(days=8),
                note="Three meetings last week; Monday's group is her favourite.",
                author=coordinator,
            ),
            GoalProgressNote(
                goal=goals[1],
                date=today - timedelta(days=8),
                note="Has two phone numbers from the Saturday meeting; thinking about whom to ask.",
                author=coordinator,
            ),
            GoalProgressNote(
                goal=goals[2],
                date=today - timedelta(days=5),
                note="Ran 2 km without stopping on Friday.",
                author=coordinator,
            ),
        ]
    )
    CoordinatorCheckIn.objects.bulk_create(
        [
            CoordinatorCheckIn(
                plan=plan,
                client=client,
                coordinator=coordinator,
                scheduled_at=_at(start + timedelta(days=14), 10, 0, zone),
                status=CoordinatorCheckIn.Status.ATTENDED,
                note="Settling in well; keeps to her meeting days.",
                recorded_at=_at(start + timedelta(days=14), 10, 40, zone),
            ),
            CoordinatorCheckIn(
                plan=plan,
                client=client,
                coordinator=coordinator,
                scheduled_at=_at(today + timedelta(days=3), 10, 0, zone),
            ),
        ]
    )
    return plan


def _graduation(client, program, iop, clinician, coordinator, graduated: date, plan) -> None:
    """Her discharge plan, graduated with every item done."""
    now = timezone.now()
    discharge = DischargePlan.objects.create(
        organization_id=program.organization_id,
        program=program,
        client=client,
        episode=iop,
        owner=clinician,
        target_graduation_date=graduated,
        status=DischargePlan.Status.GRADUATED,
        graduated_on=graduated,
        graduated_at=now,
        graduated_by=clinician,
        last_iop_session_on=graduated - timedelta(days=1),
        alumni_offered_at=now,
    )
    data: dict[str, dict] = {
        ChecklistItem.Kind.AFTERCARE_PLAN: {
            "summary": "Telehealth therapy, women's AA, fitness group, daily check-in.",
            "aftercare_plan_id": plan.id,
        },
        ChecklistItem.Kind.ALUMNI: {"offered_on": graduated.isoformat()},
    }
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            plan=discharge,
            kind=spec.kind,
            position=spec.position,
            required=spec.required,
            status=ChecklistItem.Status.DONE,
            owner=clinician if spec.owner_role == "clinician" else coordinator,
            due_date=spec.due_date(start=iop.start_date, target=graduated),
            evidence="Recorded in the demo.",
            data=data.get(spec.kind, {}),
            completed_at=now,
            completed_by=clinician,
        )
        for spec in SPECS
    )


def _check_ins_and_meetings(client, graduated: date, today: date) -> None:
    """A daily check-in every day of aftercare but today (still to do), and her AA meetings:
    Mondays, Wednesdays and Saturdays, the last Saturday skipped."""
    check_ins = []
    meetings = []
    day = graduated
    while day < today:
        offset = (day - graduated).days
        check_ins.append(
            CheckIn(
                client=client,
                date=day,
                mood=3 + offset % 3 // 2 + (1 if offset > 10 else 0),
                craving=max(0, 4 - offset // 5),
                sleep_hours=Decimal("6.5") + Decimal(offset % 3) / 2,
                stress=max(1, 5 - offset // 6),
            )
        )
        if day.weekday() in (0, 2, 5) and not (day.weekday() == 5 and today - day < timedelta(7)):
            name = {0: "Lantern Hall Women's Group", 2: "Bluebell Women's Step Study"}.get(
                day.weekday(), "Sunrise Sisters"
            )
            meetings.append(
                MeetingAttendance(client=client, date=day, meeting_type="aa", meeting_name=name)
            )
        day += timedelta(days=1)
    CheckIn.objects.bulk_create(check_ins)
    MeetingAttendance.objects.bulk_create(meetings)
