"""The client's appointments from every app (sessions, coordinator check-ins, referrals' first
appointments), so the client's home can show the next one with its "Join" button.

A source takes a `clients.Client` and the moment to look from, and returns that app's earliest
appointment of the client not yet ended at that moment (or None), in one or two queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from . import Hook


@dataclass(frozen=True)
class ClientAppointment:
    title: str  # what the client reads ("Individual counseling", "Check-in with your coordinator")
    starts_at: datetime
    ends_at: datetime
    modality: str  # a core.modality.Modality value
    join_url: str = ""  # video only
    call_details: str = ""  # phone: the number to call
    where: str = ""  # in person: the room or address


class AppointmentSource(Protocol):
    def __call__(self, client: Any, now: datetime, /) -> ClientAppointment | None: ...


appointment_sources: Hook[AppointmentSource] = Hook(
    "client appointments",
    "The client's next appointment from an app: source(client, now) -> ClientAppointment | None",
)


def register_appointment_source(source: AppointmentSource) -> AppointmentSource:
    return appointment_sources.register(source)


def next_client_appointment(client: Any, now: datetime) -> ClientAppointment | None:
    """The earliest appointment not yet ended at `now` among every app's next one."""
    found = [item for source in appointment_sources if (item := source(client, now))]
    return min(found, key=lambda item: item.starts_at, default=None)
