"""The daily random draw, tests staff add, telling the client, and closing windows."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from recoverypath.accounts.selectors import program_list_by_ids
from recoverypath.alerts.services import alert_raise
from recoverypath.core.audit import Action
from recoverypath.core.timezones import local_today
from recoverypath.notifications.services import notification_queue

from .. import draw
from ..models import DrawEntry, SelectionDraw, TestingPolicy, TestSelection
from ..permissions import can_mark_tests_seen
from ._common import actor_or_none, audit, parse_date, parse_time, require_manage

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.clients.models import Client

BATCH = 5000
KIND_NO_SHOW = "testing.no_show"
HIGH = "high"  # alerts' Severity.HIGH


def _window(day: date, start: time, end: time, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    return datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz)


def draw_run(
    *, program: Program, day: date, seed: bytes | None = None, actor: User | None = None
) -> SelectionDraw:
    """Draw who tests on `day` (the program's local day) among the program's clients.

    Set-based, in a fixed number of queries whatever the number of clients:
    1. an existing draw for the program and day is returned as it is: a day is drawn once and
       never re-rolled;
    2. one query reads every active policy in force on the day;
    3. a fresh CSPRNG seed (draw.new_seed) gives each policy whose window includes the day its
       value; the client is selected when the value is below p (testing/draw.py);
    4. one transaction writes the draw, its entries (bulk) and the selections (bulk).
    `seed` is for tests and audits only.
    """
    existing = SelectionDraw.objects.filter(program=program, date=day).first()
    if existing is not None:
        return existing
    rows = list(
        TestingPolicy.objects.filter(
            Q(end_date=None) | Q(end_date__gte=day),
            program=program,
            status=TestingPolicy.Status.ACTIVE,
            start_date__lte=day,
        )
        .order_by("id")
        .values_list(
            "id",
            "client_id",
            "tests_per_period",
            "period",
            "window_days",
            "window_start",
            "window_end",
            "site",
            "observed",
            "specimen_types",
        )
    )
    details = {row[0]: row for row in rows}
    in_force = [draw.PolicyInForce(row[0], row[1], row[2], row[3], tuple(row[4])) for row in rows]
    seed = seed if seed is not None else draw.new_seed()
    drawn = draw.draw_day(seed=seed, day=day, policies=in_force)
    selected_count = sum(1 for d in drawn if d.selected)
    try:
        with transaction.atomic():
            record = SelectionDraw.objects.create(
                program=program,
                date=day,
                algorithm=draw.ALGORITHM,
                seed=seed.hex(),
                drawn_at=timezone.now(),
                drawn_by=actor_or_none(actor),
                policies=len(drawn),
                selected=selected_count,
            )
            entries = DrawEntry.objects.bulk_create(
                [
                    DrawEntry(
                        draw=record,
                        policy_id=d.policy.policy_id,
                        client_id=d.policy.client_id,
                        tests_per_period=d.policy.tests_per_period,
                        period=d.policy.period,
                        window_days=list(d.policy.window_days),
                        probability=d.probability,
                        value=d.value,
                        selected=d.selected,
                    )
                    for d in drawn
                ],
                batch_size=BATCH,
            )
            selections = []
            for entry in entries:
                if not entry.selected:
                    continue
                _, client_id, *_rest, start, end, site, observed, specimens = details[
                    entry.policy_id
                ]
                opens, closes = _window(day, start, end, program.time_zone)
                selections.append(
                    TestSelection(
                        client_id=client_id,
                        program=program,
                        policy_id=entry.policy_id,
                        draw_entry=entry,
                        kind=TestSelection.Kind.RANDOM,
                        date=day,
                        window_opens_at=opens,
                        window_closes_at=closes,
                        site=site,
                        observed=observed,
                        specimen_types=specimens,
                    )
                )
            TestSelection.objects.bulk_create(selections, batch_size=BATCH)
    except IntegrityError:
        # Another worker drew this day first: theirs stands.
        return SelectionDraw.objects.get(program=program, date=day)
    return record


def draws_run_due(*, now: datetime | None = None) -> list[SelectionDraw]:
    """The periodic job: draw the local today of every program with an active policy that has
    not been drawn yet. One draw per program (a handful of programs), each set-based."""
    now = now or timezone.now()
    program_ids = (
        TestingPolicy.objects.filter(status=TestingPolicy.Status.ACTIVE)
        .values_list("program_id", flat=True)
        .distinct()
    )
    done = []
    for program in program_list_by_ids(program_ids=program_ids):
        day = now.astimezone(ZoneInfo(program.time_zone)).date()
        done.append(draw_run(program=program, day=day))
    return done


def selection_add(
    *,
    actor: User,
    client: Client,
    kind: str,
    day: date | str | None = None,
    window_start: time | str | None = None,
    window_end: time | str | None = None,
    site: str = "",
    observed: bool | None = None,
    specimen_types: list[str] | None = None,
    reason: str = "",
) -> TestSelection:
    """A for-cause or scheduled test staff ask for. For cause needs a reason; the window and site
    default to the client's active policy. Raises ValidationError per field."""
    require_manage(actor, client)
    errors: dict[str, str] = {}
    if kind not in (TestSelection.Kind.FOR_CAUSE, TestSelection.Kind.SCHEDULED):
        errors["kind"] = "Choose for cause or scheduled."
    policy = TestingPolicy.objects.filter(client=client, status=TestingPolicy.Status.ACTIVE).first()
    today = local_today(client.program.time_zone)
    parsed_day = parse_date(errors, "date", day) if day not in (None, "") else today
    if parsed_day is not None and parsed_day < today:
        errors["date"] = "A test cannot be asked for a past day."
    start = parse_time(errors, "window_start", window_start or (policy and policy.window_start))
    end = parse_time(errors, "window_end", window_end or (policy and policy.window_end))
    if start and end and end <= start:
        errors["window_end"] = "The window must close after it opens (same day)."
    site = (site or (policy.site if policy else "")).strip()
    if not site:
        errors["site"] = "Say where the client goes to give the sample."
    specimens = specimen_types or (policy.specimen_types if policy else ["urine"])
    if any(s not in ("urine", "oral_fluid", "breath") for s in specimens):
        errors["specimen_types"] = "Choose urine, oral fluid and/or breath."
    reason = (reason or "").strip()
    if kind == TestSelection.Kind.FOR_CAUSE and not reason:
        errors["reason"] = "Say why the test is asked for."
    if len(reason) > 500:
        errors["reason"] = "Keep the reason under 500 characters."
    if errors:
        raise ValidationError(errors)
    # Each is set whenever no error was recorded for it.
    assert parsed_day is not None and start is not None and end is not None
    opens, closes = _window(parsed_day, start, end, client.program.time_zone)
    with transaction.atomic():
        selection = TestSelection.objects.create(
            client=client,
            program_id=client.program_id,
            policy=policy,
            kind=kind,
            date=parsed_day,
            window_opens_at=opens,
            window_closes_at=closes,
            site=site[:300],
            observed=policy.observed if observed is None and policy else bool(observed),
            specimen_types=specimens,
            reason=reason,
            created_by=actor_or_none(actor),
        )
        audit(
            actor,
            selection,
            client,
            Action.CREATE,
            {"kind": [None, kind], "date": [None, str(parsed_day)]},
        )
    return selection


def selections_mark_seen(*, actor: User, client: Client, now: datetime | None = None) -> int:
    """The client has looked: their open selections whose window has not closed count as seen
    (one UPDATE). Returns how many were new to them. PermissionDenied for anyone but the client
    (`can_mark_tests_seen`)."""
    if not can_mark_tests_seen(actor, client):
        raise PermissionDenied("Only the client marks their tests seen.")
    now = now or timezone.now()
    return TestSelection.objects.filter(
        client=client,
        status=TestSelection.Status.SELECTED,
        seen_at=None,
        window_closes_at__gt=now,
        date__lte=local_today(client.program.time_zone),
    ).update(seen_at=now)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """At the window's start, tell each selected client who has not looked (once each). The
    message names no test: "please check RecoveryPath today". A row is claimed with a
    conditional UPDATE so two workers never both send it. Returns how many were told."""
    now = now or timezone.now()
    due = list(
        TestSelection.objects.filter(
            status=TestSelection.Status.SELECTED,
            seen_at=None,
            reminded_at=None,
            window_opens_at__lte=now,
            window_closes_at__gt=now,
            client__user__isnull=False,
        )
        .select_related("client__user")
        .order_by("window_opens_at", "id")[:2000]
    )
    told = 0
    link = reverse("clients:me")
    for selection in due:
        with transaction.atomic():
            claimed = TestSelection.objects.filter(
                id=selection.id, reminded_at=None, seen_at=None
            ).update(reminded_at=now)
            if not claimed:
                continue
            notification_queue(
                recipient=selection.client.user,
                template="testing.selected",
                context={},
                link=link,
                source=selection,
            )
            told += 1
    return told


def no_shows_close(*, now: datetime | None = None) -> int:
    """When a window closes without a collection, the selection becomes a no-show and a `high`
    alert is raised. Each row is claimed with a conditional UPDATE. Returns how many."""
    now = now or timezone.now()
    due = list(
        TestSelection.objects.filter(
            status=TestSelection.Status.SELECTED, window_closes_at__lte=now
        )
        .select_related("client", "client__program")
        .order_by("window_closes_at", "id")[:2000]
    )
    closed = 0
    for selection in due:
        with transaction.atomic():
            claimed = TestSelection.objects.filter(
                id=selection.id, status=TestSelection.Status.SELECTED
            ).update(status=TestSelection.Status.NO_SHOW, closed_at=now)
            if not claimed:
                continue
            client = selection.client
            local_close = selection.window_closes_at.astimezone(ZoneInfo(client.program.time_zone))
            alert_raise(
                client=client,
                kind=KIND_NO_SHOW,
                severity=HIGH,
                reason=(
                    f"{selection.get_kind_display()} test on {selection.date:%b %-d} not given: "
                    f"the window closed at {local_close:%H:%M} with no collection."
                ),
                dedup_key=f"testing.no_show:{selection.id}",
                source=selection,
                source_url=reverse("testing:client", args=[client.id]),
            )
            audit(None, selection, client, Action.UPDATE, {"status": ["selected", "no_show"]})
            closed += 1
    return closed


REASON_MAX = 500  # TestSelection.reason's max_length


def selection_excuse(*, actor: User, selection: TestSelection, reason: str) -> TestSelection:
    """Staff excuse a selection (e.g. the client was in hospital). Kept with the reason."""
    require_manage(actor, selection.client)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the test is excused."})
    with transaction.atomic():
        locked = TestSelection.objects.select_for_update().get(pk=selection.pk)
        allowed = TestSelection.ALLOWED_TRANSITIONS[TestSelection.Status(locked.status)]
        if TestSelection.Status.EXCUSED not in allowed:
            raise ValidationError(
                {"status": f"A {locked.get_status_display().lower()} test cannot be excused."}
            )
        before = locked.status
        locked.status = TestSelection.Status.EXCUSED
        # The excuse is kept after the reason the test was asked for; together they fit the
        # column (a for-cause reason may already hold most of it), or the excuse is refused whole.
        prefix = f"{locked.reason} · " if locked.reason else ""
        room = REASON_MAX - len(prefix)
        if len(reason.strip()) > room:
            words = f"Say why in at most {max(room, 0)} characters (with the test's reason)."
            raise ValidationError({"reason": words})
        locked.reason = prefix + reason.strip()
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "reason", "closed_at"])
        audit(actor, locked, locked.client, Action.UPDATE, {"status": [before, locked.status]})
    return locked
