"""A clinician's to-do list, assembled from what each app says the user owes.

Apps register a to-do source in AppConfig.ready() (`core.hooks.todo.register_todo_source`):
source(user) -> list[TodoItem], in a fixed number of queries whatever the number of items.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .hooks.todo import TodoItem, todo_items_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def todo_audit(*, user: AbstractBaseUser | AnonymousUser, items: Iterable[TodoItem]) -> None:
    """Record the clients named by the to-do items shown (one INSERT)."""
    from .audit import audit_record_clients

    audit_record_clients(
        actor=user,
        rows=[(item.client_id, item.kind[:64]) for item in items],
        object_type="core.todo",
    )


def todo_list(*, user: AbstractBaseUser | AnonymousUser) -> list[TodoItem]:
    return sorted(
        todo_items_for(user),
        key=lambda i: (
            PRIORITY_ORDER.get(i.priority, 9),
            i.due.timestamp() if i.due else float("inf"),
            i.label,
        ),
    )
