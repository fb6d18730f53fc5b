"""To-do sources: what each app says a staff member owes (core.todo assembles the list).

    register_todo_source(todo_items)

A source takes the user and returns `TodoItem`s, in a fixed number of queries whatever the
number of items. `core.todo.todo_list` sorts the items of every source by priority, due time and
label, so registration order does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from . import Hook


@dataclass(frozen=True)
class TodoItem:
    label: str
    url: str
    kind: str
    priority: str = "normal"  # urgent, high, normal, low
    due: datetime | None = None
    client_name: str = ""
    client_id: int | None = None  # whose record the item shows: its read is audited


class TodoSource(Protocol):
    # `user`: an accounts.User (core comes before accounts, so it is not named here).
    def __call__(self, user: Any, /) -> list[TodoItem]: ...


todo_sources: Hook[TodoSource] = Hook(
    "to-do sources", "A staff member's to-do list: source(user) -> TodoItems they owe"
)


def register_todo_source(source: TodoSource) -> TodoSource:
    return todo_sources.register(source)


def todo_items_for(user: Any) -> list[TodoItem]:
    """Every source's items for `user`, unsorted (core.todo.todo_list sorts them)."""
    items: list[TodoItem] = []
    for source in todo_sources:
        items.extend(source(user))
    return items
