"""Clients in programs, for the audit log.

Which clients sit in a set of programs now: provider(program ids) -> a queryset of client ids.
The clients app registers it (core and accounts come before clients), so the audit log can show
an admin the events of the clients they could read today, and nothing of anyone else's. The first
registered provider is used.
"""

from __future__ import annotations

from typing import Protocol

from django.db import models

from . import Hook


class ClientsInPrograms(Protocol):
    def __call__(self, program_ids: set[int], /) -> models.QuerySet: ...


clients_in_programs_providers: Hook[ClientsInPrograms] = Hook(
    "clients in programs",
    "For the audit log: provider(program ids) -> queryset of those programs' client ids",
)


def register_clients_in_programs(provider: ClientsInPrograms) -> ClientsInPrograms:
    return clients_in_programs_providers.register(provider)


def clients_in_programs(program_ids: set[int]) -> models.QuerySet:
    """Ids of the clients of `program_ids` now, as a queryset usable in `client_id__in`."""
    providers = clients_in_programs_providers.entries()
    if not providers:
        raise RuntimeError("No app registered clients_in_programs (is clients installed?)")
    return providers[0](program_ids)
