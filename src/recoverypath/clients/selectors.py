"""Reads of client records. No other path reaches a client's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_read_first, audit_record
from recoverypath.core.hooks.appointments import ClientAppointment, next_client_appointment
from recoverypath.core.modality import Modality, join_is_open
from recoverypath.core.params import Reach

from .models import Client, SupportContact
from .sobriety import sobriety_annotations

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User

SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "mrn": ("mrn", "id"),
    "-mrn": ("-mrn", "-id"),
    "sobriety": ("sobriety_date", "id"),
    "-sobriety": ("-sobriety_date", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


def client_queryset_for_user(*, user: User | AnonymousUser) -> QuerySet[Client]:
    """Every client `user` may see: staff by program membership, a client only themself."""
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    program_ids = permissions.staff_program_ids(user)
    scope = Q(user_id=user.id)
    if program_ids:
        scope |= Q(program_id__in=program_ids)
    return Client.objects.filter(scope)


# What a client id in a request body may name: the clients the caller may see.
CLIENTS = Reach(Client, lambda user: client_queryset_for_user(user=user))
# What a support contact id may name: the contacts of those clients.
CONTACTS = Reach(
    SupportContact,
    lambda user: SupportContact.objects.filter(client__in=client_queryset_for_user(user=user)),
)


def client_ids_in_programs(program_ids: set[int]) -> QuerySet:
    """Ids of the clients whose program is one of `program_ids` now (for the audit log's scope)."""
    return Client.objects.filter(program_id__in=program_ids).values("id")


def client_list(
    *,
    user: User,
    search: str = "",
    program_id: int | None = None,
    clinician_id: int | None = None,
    coordinator_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Client]:
    """The caseload `user` may see, filtered and sorted, with what a list row shows joined in."""
    qs = client_queryset_for_user(user=user).select_related(
        "program", "primary_clinician", "coordinator"
    )
    search = search.strip()
    if search:
        for word in search.split()[:4]:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(mrn__iexact=word)
            )
    if program_id:
        qs = qs.filter(program_id=program_id)
    if clinician_id:
        qs = qs.filter(primary_clinician_id=clinician_id)
    if coordinator_id:
        qs = qs.filter(coordinator_id=coordinator_id)
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


CLIENT_RECORD_JOINS = ("program", "organization", "primary_clinician", "coordinator", "user")


def client_get(*, user: User, client_id: int, audit: bool = True) -> Client:
    """The client if `user` may see them (an audited read), else Http404: never a hint it exists."""
    client = (
        client_queryset_for_user(user=user)
        .select_related(*CLIENT_RECORD_JOINS)
        .filter(pk=client_id)
        .first()
    )
    return _visible(user=user, client=client, audit=audit)


def client_read(*, user: User, client_id: int) -> Client:
    """The client record for the API's read (`GET /api/v1/clients/{id}/`): with the sobriety
    figures' inputs annotated, and the `read` audit event written by the same statement on
    PostgreSQL (core.audit.audit_read_first). Ids of related rows only (nothing joined).
    Http404 when `user` may not see the client, as client_get."""
    client = audit_read_first(
        actor=user,
        queryset=client_queryset_for_user(user=user)
        .filter(pk=client_id)
        .annotate(**sobriety_annotations()),
        client_field="id",
    )
    if client is None or not permissions.can_view_client(user, client):
        raise Http404("No such client.")
    return client  # type: ignore[return-value]


def own_client_get(*, user: User | AnonymousUser) -> Client:
    """The logged-in client's own record (an audited read); Http404 for anyone without one."""
    client = None
    if user.is_authenticated:
        client = Client.objects.select_related(*CLIENT_RECORD_JOINS).filter(user=user).first()
    return _visible(user=user, client=client, audit=True)


def _visible(*, user: User | AnonymousUser, client: Client | None, audit: bool) -> Client:
    if client is None or not permissions.can_view_client(user, client):
        raise Http404("No such client.")
    if audit:
        audit_record(
            actor=user,
            action=Action.READ,
            obj=client,
            client_id=client.id,
            organization_id=client.organization_id,
        )
    return client


def client_for_user_account(*, user: User | AnonymousUser) -> Client | None:
    """The client record belonging to a logged-in client, or None for staff."""
    if not user.is_authenticated:
        return None
    relation = Client._meta.get_field("user").remote_field  # User.client_record
    if relation.is_cached(user):  # loaded with the API token (core.hooks.api_auth)
        return getattr(user, "client_record", None)
    return Client.objects.select_related("program", "organization").filter(user=user).first()


def support_contact_list(*, client: Client) -> QuerySet[SupportContact]:
    return client.support_contacts.all()


def support_contact_queryset_for_user(*, user: User) -> QuerySet[SupportContact]:
    return SupportContact.objects.filter(
        client__in=client_queryset_for_user(user=user)
    ).select_related("client")


def support_contact_get(*, user: User, contact_id: int) -> SupportContact:
    contact = support_contact_queryset_for_user(user=user).filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=contact,
        client_id=contact.client_id,
        organization_id=contact.client.organization_id,
    )
    return contact


def emergency_contacts(*, client: Client) -> list[SupportContact]:
    return [c for c in client.support_contacts.all() if c.is_emergency_contact]


def client_lock(*, client_id: int) -> None:
    """Lock the client's row until the transaction ends: writes that number or limit something
    per client (safety plan versions, one open episode) take turns on it. Call inside atomic()."""
    Client.objects.select_for_update().filter(pk=client_id).values_list("pk", flat=True).first()


def clients_in_programs(*, program_ids: set[int]) -> QuerySet[Client]:
    """Clients whose program is one of `program_ids` now (the clients a staff member books for)."""
    return Client.objects.filter(program_id__in=program_ids)


def support_contact_for_client(*, client: Client, contact_id: int | None) -> SupportContact | None:
    """One of the client's own support contacts, or None (not theirs, or no id)."""
    if contact_id is None:
        return None
    return SupportContact.objects.filter(pk=contact_id, client=client).first()


def client_for_system(*, client_id: int) -> Client | None:
    """The client with their program, for work the system does on its own (a reward after a
    verified behaviour), not on a person's request: no access check, so never for a page."""
    return Client.objects.select_related("program").filter(pk=client_id).first()


@dataclass(frozen=True)
class HomeAppointment:
    """The next appointment on the client's home, and whether its "Join" button shows."""

    appointment: ClientAppointment
    join_open: bool

    @property
    def modality_label(self) -> str:
        return str(Modality(self.appointment.modality).label)


def next_appointment_for_home(
    *, client: Client, now: datetime | None = None
) -> HomeAppointment | None:
    """The client's next appointment of any kind (session, coordinator check-in, first
    appointment with a provider) not yet ended, and whether to offer "Join": for video with a
    link, from JOIN_OPENS_BEFORE (10 minutes) before the start until the end (not at it),
    decided here at `now` (default: timezone.now()), never in the browser."""
    now = now or timezone.now()
    appointment = next_client_appointment(client, now)
    if appointment is None:
        return None
    return HomeAppointment(
        appointment=appointment,
        join_open=join_is_open(
            modality=appointment.modality,
            join_url=appointment.join_url,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            now=now,
        ),
    )
