"""Reads of alerts. Who may see an alert: coordinators, clinicians and admins of the client's
program. Front desk sees none (alerts are clinical signals); clients never see alerts."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from recoverypath.accounts.models import Program, User
from recoverypath.accounts.selectors import program_list_for_user, program_staff, staff_colleagues
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record

from .models import SEVERITY_RANK, Alert, AlertEvent, EscalationPolicy
from .permissions import can_act_on_alert

ACT_RANK = permissions.Rank.COORDINATOR
ASSIGNABLE_ROLES = ["coordinator", "clinician", "admin"]
ACTIVE_STATUSES = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)
STATUS_FILTERS = {
    "active": ACTIVE_STATUSES,
    "open": (Alert.Status.OPEN,),
    "acknowledged": (Alert.Status.ACKNOWLEDGED,),
    "resolved": (Alert.Status.RESOLVED,),
    "all": None,
}


def alert_program_ids(*, user: User) -> set[int]:
    """Programs whose alerts `user` may see and act on."""
    return permissions.staff_program_ids(user, min_rank=ACT_RANK)


def alert_queryset_for_user(*, user: User) -> QuerySet[Alert]:
    program_ids = alert_program_ids(user=user)
    if not program_ids:
        return Alert.objects.none()
    return Alert.objects.filter(client__program_id__in=program_ids)


def _severity_order() -> Case:
    return Case(
        *[When(severity=sev, then=Value(rank)) for sev, rank in SEVERITY_RANK.items()],
        default=Value(9),
        output_field=IntegerField(),
    )


def alert_inbox(
    *,
    user: User,
    status: str = "active",
    kind: str = "",
    severity: str = "",
    assignee_id: int | None = None,
    unassigned: bool = False,
    program_id: int | None = None,
    client_id: int | None = None,
) -> QuerySet[Alert]:
    """Alerts `user` may act on, most severe first and, within a severity, longest waiting first."""
    qs = alert_queryset_for_user(user=user).select_related("client", "client__program", "assignee")
    statuses = STATUS_FILTERS.get(status, ACTIVE_STATUSES)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    if unassigned:
        qs = qs.filter(assignee=None)
    elif assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if program_id:
        qs = qs.filter(client__program_id=program_id)
    if client_id:
        qs = qs.filter(client_id=client_id)
    return qs.annotate(severity_rank=_severity_order()).order_by("severity_rank", "raised_at", "id")


def alert_open_count(*, user: User) -> int:
    return alert_queryset_for_user(user=user).filter(status=Alert.Status.OPEN).count()


def alert_kinds(*, user: User) -> list[str]:
    return list(
        alert_queryset_for_user(user=user)
        .order_by("kind")
        .values_list("kind", flat=True)
        .distinct()
    )


def alert_get(*, user: User, alert_id: int, audit: bool = True) -> Alert:
    """The alert if `user` may act on it (an audited read), else Http404."""
    alert = (
        alert_queryset_for_user(user=user)
        .select_related(
            "client",
            "client__program",
            "client__coordinator",
            "client__primary_clinician",
            "assignee",
            "raised_by",
            "acknowledged_by",
            "resolved_by",
        )
        .filter(pk=alert_id)
        .first()
    )
    if alert is None or not can_act_on_alert(user, alert):
        raise Http404("No such alert.")
    if audit:
        audit_record(
            actor=user,
            action=Action.READ,
            obj=alert,
            client_id=alert.client_id,
            organization_id=alert.client.organization_id,
        )
    return alert


def alerts_without_care_team(*, user: User) -> QuerySet[Alert]:
    """Unresolved alerts of clients with neither a primary clinician nor a coordinator, in the
    programs where `user` is a clinician or admin: nobody but the admins was told of them, so
    every clinician of the program sees them as "no care team" (one query)."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN)
    if not program_ids:
        return Alert.objects.none()
    return (
        Alert.objects.filter(
            client__program_id__in=program_ids,
            client__primary_clinician=None,
            client__coordinator=None,
            status__in=ACTIVE_STATUSES,
        )
        .select_related("client")
        .annotate(severity_rank=_severity_order())
        .order_by("severity_rank", "raised_at", "id")
    )


def clinician_owes_q(user: User, *, prefix: str = "client__") -> Q:
    """Rows of clients whose primary clinician is `user`, or who have none, in programs where
    `user` is a clinician or admin (then every clinician of the program owes the work)."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN)
    return Q(**{f"{prefix}program_id__in": program_ids}) & (
        Q(**{f"{prefix}primary_clinician": user}) | Q(**{f"{prefix}primary_clinician": None})
    )


def alerts_owed_by_clinician(*, user: User, kind: str) -> QuerySet[Alert]:
    """Unresolved alerts of `kind` that `user` owes as the client's primary clinician (or as a
    clinician of the program when the client has none), oldest first, in one query."""
    if not permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN):
        return Alert.objects.none()
    return (
        Alert.objects.filter(clinician_owes_q(user), kind=kind, status__in=ACTIVE_STATUSES)
        .select_related("client")
        .order_by("raised_at", "id")
    )


def alert_notified_people(*, alert: Alert) -> list[User]:
    """Everyone told of the alert so far (every step), by name."""
    ids: set[int] = set()
    for notified in alert.events.values_list("notified", flat=True):
        ids.update(notified or [])
    return list(User.objects.filter(id__in=ids).order_by("first_name", "last_name", "id"))


def alert_events(*, alert: Alert) -> list[AlertEvent]:
    """The alert's history, oldest first, each event with `told`: the people it notified, by
    name (two queries whatever the length)."""
    events = list(alert.events.select_related("actor").order_by("at", "id"))
    ids = {person_id for e in events for person_id in (e.notified or [])}
    people = {u.id: u for u in User.objects.filter(id__in=ids)}
    for event in events:
        # Hung on each event for the page and the API (not a field: filled here, two queries).
        event.told = [  # type: ignore[attr-defined]
            people[i] for i in (event.notified or []) if i in people
        ]
    return events


def alert_history_for_client(*, user: User, client, limit: int = 20) -> QuerySet[Alert]:
    """The client's alerts, newest first, for the client page (caller checks access)."""
    return (
        alert_queryset_for_user(user=user)
        .filter(client=client)
        .select_related("assignee", "resolved_by")
        .order_by("-raised_at", "-id")[:limit]
    )


def alert_assignee_choices(*, program_id: int) -> QuerySet[User]:
    """Colleagues an alert of this program can be assigned to."""
    return program_staff(program_id=program_id, roles=ASSIGNABLE_ROLES).order_by(
        "first_name", "last_name", "email"
    )


def alert_colleagues(*, user: User) -> QuerySet[User]:
    """Everyone who can hold alerts in the user's alert programs (for the assignee filter)."""
    return staff_colleagues(user=user, roles=ASSIGNABLE_ROLES, min_rank=ACT_RANK).order_by(
        "first_name", "last_name", "email"
    )


def escalation_policy_for(*, program: Program) -> EscalationPolicy:
    """The program's policy; the defaults (unsaved) when it has never been edited."""
    policy = EscalationPolicy.objects.filter(program=program).first()
    return policy or EscalationPolicy(program=program)


def alert_programs(*, user: User) -> QuerySet[Program]:
    """Programs whose alerts `user` may see (for the inbox's program filter), by name."""
    return program_list_for_user(user=user, min_rank=ACT_RANK).order_by("name")


def escalation_programs(*, user: User) -> QuerySet[Program]:
    """Programs whose escalation policy `user` may edit (program admins)."""
    return program_list_for_user(user=user, min_rank=permissions.Rank.ADMIN).order_by("name")


def escalation_policies_for_user(*, user: User) -> list[tuple[Program, EscalationPolicy]]:
    """(program, policy) for each program whose policy `user` may edit, in one query; a program
    that never edited its policy gets the defaults (unsaved)."""
    rows = []
    for program in escalation_programs(user=user).select_related("escalation_policy"):
        try:
            policy = program.escalation_policy
        except EscalationPolicy.DoesNotExist:
            policy = EscalationPolicy(program=program)
        rows.append((program, policy))
    return rows


def escalation_program_get(*, user: User, program_id: int) -> Program:
    program = escalation_programs(user=user).filter(pk=program_id).first()
    if program is None:
        raise Http404("No such program.")
    return program


# Reads for earlywarning (its dashboard and its clearing checks).


def severity_ranks() -> dict[str, int]:
    """{severity: rank}, the most urgent first (critical 0)."""
    return {str(severity): rank for severity, rank in SEVERITY_RANK.items()}


def alerts_active() -> QuerySet[Alert]:
    """Every open or acknowledged alert, unscoped: for subqueries over a list the caller has
    already scoped (the coordinator dashboard)."""
    return Alert.objects.filter(status__in=ACTIVE_STATUSES)


def alerts_active_count(*, client_id: int, kinds: list[str]) -> Coalesce:
    """An expression: how many open or acknowledged alerts of `kinds` the client has (to annotate
    on a query the caller runs anyway, instead of a query of its own)."""
    counted = (
        Alert.objects.filter(client_id=client_id, kind__in=kinds, status__in=ACTIVE_STATUSES)
        .order_by()
        .values("client_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def alerts_active_of_kind(*, kind: str, client_ids: list[int] | None = None) -> list[Alert]:
    """The open or acknowledged alerts of `kind` (of these clients, if given), oldest first,
    with their clients: what the nightly clearing checks."""
    alerts = Alert.objects.filter(
        kind=kind, status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]
    ).select_related("client")
    if client_ids is not None:
        alerts = alerts.filter(client_id__in=client_ids)
    return list(alerts.order_by("id"))


NO_ALERT_RANK = 9


def alert_rank_subquery(*, client_id: OuterRef) -> Coalesce:
    """The rank of the most severe active alert (0 critical .. 3 low, NO_ALERT_RANK without
    one) of the client named by `client_id` (an OuterRef), as an expression to annotate or
    update with."""
    return Coalesce(
        Subquery(
            alerts_active()
            .filter(client_id=client_id)
            .annotate(r=_severity_order())
            .order_by("r")
            .values("r")[:1],
            output_field=IntegerField(),
        ),
        Value(NO_ALERT_RANK),
    )
