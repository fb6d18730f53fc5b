from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.hooks.audit import clients_in_programs
from recoverypath.core.models import AuditEvent
from recoverypath.core.params import Reach
from recoverypath.core.permissions import Rank, staff_program_ids

from .models import (
    ApiToken,
    Invitation,
    Membership,
    Program,
    RecoveryCode,
    RecoveryCodeDevice,
    Role,
    SignedInSession,
    User,
)


def program_list_for_user(*, user: User, min_rank: Rank = Rank.FRONT_DESK) -> QuerySet[Program]:
    return Program.objects.filter(id__in=staff_program_ids(user, min_rank=min_rank)).select_related(
        "organization"
    )


def staff_colleagues(
    *,
    user: User,
    roles: list[str] | tuple[str, ...] | None = None,
    min_rank: Rank = Rank.FRONT_DESK,
) -> QuerySet[User]:
    """Active staff (with one of `roles`) in the programs where `user` holds at least
    `min_rank` (for assignment pickers)."""
    members = Membership.objects.filter(program_id__in=staff_program_ids(user, min_rank=min_rank))
    if roles:
        members = members.filter(role__in=roles)
    return User.objects.filter(id__in=members.values("user_id"), is_active=True)


def program_staff(*, program_id: int, roles: list[str] | None = None) -> QuerySet[User]:
    members = Membership.objects.filter(program_id=program_id)
    if roles:
        members = members.filter(role__in=roles)
    return User.objects.filter(id__in=members.values("user_id"), is_active=True)


def program_admins(*, program_id: int) -> QuerySet[User]:
    return program_staff(program_id=program_id, roles=[Role.ADMIN])


# What a program or staff id in a request body may name: the caller's programs, their colleagues.
PROGRAMS = Reach(Program, lambda user: program_list_for_user(user=user))
STAFF = Reach(User, lambda user: staff_colleagues(user=user))


def audit_events_for_admin(
    *,
    user: User,
    action: str = "",
    actor_email: str = "",
    client_id: int | None = None,
    since=None,
    until=None,
):
    """Audit events an admin may browse: those of the programs they administer, no more.

    1. An event about a client shows only while that client is in one of those programs now, i.e.
       while the admin could read the client's record (so `changes` never reach anyone else).
    2. An event about no client (a log in, a program setting) shows when its actor is on the staff
       of one of those programs and it belongs to one of their organizations (or to none).
    Web page and API both read through here.
    """
    program_ids = staff_program_ids(user, min_rank=Rank.ADMIN)
    if not program_ids:
        return AuditEvent.objects.none()
    org_ids = Program.objects.filter(id__in=program_ids).values("organization_id")
    staff_ids = Membership.objects.filter(program_id__in=program_ids).values("user_id")
    qs = AuditEvent.objects.filter(
        Q(client_id__in=clients_in_programs(program_ids))
        | Q(
            Q(organization_id__in=org_ids) | Q(organization_id=None),
            client_id=None,
            actor_id__in=staff_ids,
        )
    )
    if action:
        qs = qs.filter(action=action)
    if actor_email:
        qs = qs.filter(actor_email__icontains=actor_email)
    if client_id:
        qs = qs.filter(client_id=client_id)
    if since:
        qs = qs.filter(occurred_at__date__gte=since)
    if until:
        qs = qs.filter(occurred_at__date__lte=until)
    # Reading the trail is itself a read of client data (the `changes`): it leaves an event.
    audit_record(
        actor=user,
        action=Action.LIST,
        object_type=AuditEvent._meta.label_lower,
        client_id=client_id,
        changes={
            "filters": {
                name: str(value)
                for name, value in (
                    ("action", action),
                    ("actor", actor_email),
                    ("client", client_id),
                    ("since", since),
                    ("until", until),
                )
                if value
            }
        },
    )
    return qs.order_by("-occurred_at", "-id")


# --- Sign-in policy, two-factor devices, tokens and sessions -------------------------------------


def two_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def two_factor_pending_device(*, user: User, device_id) -> TOTPDevice | None:
    """The user's authenticator being set up (unconfirmed) with this id, if any."""
    if not str(device_id or "").isdigit() or int(device_id) > 2**63 - 1:
        return None
    return TOTPDevice.objects.filter(user=user, id=int(device_id), confirmed=False).first()


def two_factor_devices(*, user: User) -> list[Device]:
    """Every confirmed device that may verify a sign-in: the authenticator, then recovery codes."""
    devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    devices += list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))
    return devices


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at=None).count()


@dataclass(frozen=True)
class SignInPolicy:
    """What the session middleware enforces for one signed-in user, kept in their session so
    that a page costs no extra query."""

    user_id: int
    staff: bool
    idle_seconds: int  # 0: no idle limit (clients)
    has_device: bool
    two_factor_required_from: datetime | None

    def as_session(self) -> dict:
        required = self.two_factor_required_from
        return {
            "user": self.user_id,
            "staff": self.staff,
            "idle": self.idle_seconds,
            "device": self.has_device,
            "required_from": required.timestamp() if required else None,
        }

    @classmethod
    def from_session(cls, data) -> SignInPolicy | None:
        try:
            required = data["required_from"]
            return cls(
                user_id=int(data["user"]),
                staff=bool(data["staff"]),
                idle_seconds=int(data["idle"]),
                has_device=bool(data["device"]),
                two_factor_required_from=(
                    datetime.fromtimestamp(float(required), tz=UTC) if required else None
                ),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def two_factor_overdue(self, now: datetime) -> bool:
        required = self.two_factor_required_from
        return self.staff and not self.has_device and required is not None and now >= required


def sign_in_policy(*, user: User) -> SignInPolicy:
    rows = list(
        Membership.objects.filter(user=user).values_list(
            "created_at", "program__two_factor_grace_days", "program__idle_timeout_minutes"
        )
    )
    required = min((c + timedelta(days=g) for c, g, _ in rows), default=None)
    return SignInPolicy(
        user_id=user.pk,
        staff=bool(rows),
        idle_seconds=min((minutes for _, _, minutes in rows), default=0) * 60,
        has_device=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        two_factor_required_from=required,
    )


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, live ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-id"
    )


def signed_in_sessions_for_user(*, user: User) -> QuerySet[SignedInSession]:
    return SignedInSession.objects.filter(user=user).order_by("-last_seen_at", "-id")


def two_factor_staff_for_admin(*, user: User) -> QuerySet[User]:
    """Staff of the programs `user` administers, each annotated with `has_two_factor`, for the
    admin's reset page (one query)."""
    programs = staff_program_ids(user, min_rank=Rank.ADMIN)
    members = Membership.objects.filter(program_id__in=programs).values("user_id")
    return (
        User.objects.filter(id__in=members)
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .order_by("last_name", "first_name", "email")
    )


def program_members(*, program_id: int) -> list[Membership]:
    """The program's staff with their logins (one query)."""
    return list(
        Membership.objects.filter(program_id=program_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def membership_exists(
    *, user_id: int, program_id: int, roles: list[str] | tuple[str, ...] | None = None
) -> bool:
    """Whether the person holds a membership in the program (one of `roles`, when given: the
    care-team pickers check it)."""
    memberships = Membership.objects.filter(user_id=user_id, program_id=program_id)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def program_lock(*, program_id: int) -> None:
    """Lock the program's row until the transaction ends (SELECT ... FOR UPDATE), so writes that
    check and then insert within one program (bookings) run one at a time."""
    Program.objects.select_for_update().filter(pk=program_id).values_list("pk", flat=True).first()


# The kinds of invitation, for the apps that issue them and say what each grants (clients, consent).
InvitationKinds = Invitation.Kind


def program_list_by_ids(*, program_ids: QuerySet | list[int] | set[int]) -> QuerySet[Program]:
    """The programs with these ids, in id order (testing's periodic draw walks the programs with
    an active policy)."""
    return Program.objects.filter(id__in=program_ids).order_by("id")


def programs_empty() -> QuerySet[Program]:
    """No programs: what an API view names as its queryset for the schema (it reads through
    the selectors above)."""
    return Program.objects.none()


def display_zones_load(users: list[User]) -> None:
    """Settle `display_time_zone` of many users in one query (its fallback, the first
    membership's program, would otherwise be a query per user). Their client records must be
    loaded already (select_related("client_record"))."""
    zones: dict[int, str] = {}
    for user_id, zone in (
        Membership.objects.filter(user_id__in=[u.id for u in users])
        .order_by("program__name", "role")
        .values_list("user_id", "program__time_zone")
    ):
        zones.setdefault(user_id, zone)
    for user in users:
        if not user.time_zone and getattr(user, "client_record", None) is None:
            user._rp_zone = zones.get(user.id, "")
