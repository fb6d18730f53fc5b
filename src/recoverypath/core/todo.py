"""A clinician's to-do list, assembled from what each app says the user owes.

Apps register a provider in AppConfig.ready(): provider(user) -> list[TodoItem]. Providers must run
a fixed number of queries whatever the number of items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


@dataclass(frozen=True)
class TodoItem:
    label: str
    url: str
    kind: str
    priority: str = "normal"  # urgent, high, normal, low
    due: datetime | None = None
    client_name: str = ""
    client_id: int | None = None  # whose record the item shows: its read is audited


Provider = Callable[[object], list[TodoItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todo_audit(*, user, items) -> None:
    """Record the clients named by the to-do items shown (one INSERT)."""
    from .audit import audit_record_clients

    audit_record_clients(
        actor=user,
        rows=[(item.client_id, item.kind[:64]) for item in items],
        object_type="core.todo",
    )


def todo_list(*, user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return sorted(
        items,
        key=lambda i: (
            PRIORITY_ORDER.get(i.priority, 9),
            i.due.timestamp() if i.due else float("inf"),
            i.label,
        ),
    )
