"""Typed extension points: how an earlier app learns of later ones.

A hook is declared once, by the app that consumes it, as a `Hook[T]` whose `T` is a Protocol or a
dataclass describing what an entry must be:

    class ClientPanel(Protocol):
        def __call__(self, request: HttpRequest, client: Client) -> str: ...

    client_panels: Hook[ClientPanel] = Hook("client panels", "Sections on a client's staff page")

    def register_client_panel(provider: ClientPanel, *, order: int = 100) -> ClientPanel:
        return client_panels.register(provider, order=order)

Later apps register their entries in `AppConfig.ready()` through the `register_*` function; the
consumer reads `hook.entries()` (ordered by `order`, then by registration). Each entry has a key
(`<app>.<function name>` by default, or one the `register_*` function gives, such as an alert
kind): registering the same entry twice is a no-op, so `ready()` may run more than once (tests,
autoreload), while a different entry under a taken key is refused at start-up. Every hook is
listed in `all_hooks()` so a test (tests/core/test_hooks.py, and an engineer joining the team) can
see each extension point and what is registered on it.

Hooks hold functions and plain values only, fixed at start-up; nothing is kept between requests.

The hooks are declared in this package's modules, one per subject (`core/hooks/<subject>.py`: the
Protocol or dataclass, the `Hook`, its `register_*` function and the reader the consumer calls).
`all_hooks()` imports them all before listing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

_hooks: dict[str, Hook] = {}


@dataclass(frozen=True)
class Entry(Generic[T]):
    value: T
    order: int
    key: str


def _describe(value: object) -> str:
    """`<app>.<name>` for a function of ours (`scheduling.client_panel`): stable when an app's
    module becomes a package; the full dotted name for anything else."""
    module = getattr(value, "__module__", None) or type(value).__module__
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    parts = module.split(".")
    if parts[0] == "recoverypath" and len(parts) > 1:
        return f"{parts[1]}.{name}"
    return f"{module}.{name}"


@dataclass
class Hook(Generic[T]):
    """An ordered, idempotent registry of entries of one kind."""

    name: str
    doc: str
    _entries: list[Entry[T]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.name in _hooks:
            raise ValueError(f"Hook {self.name!r} is declared twice.")
        _hooks[self.name] = self

    def register(self, value: T, *, order: int = 100, key: str | None = None) -> T:
        """Add `value` under `key` (by default `<app>.<function name>`).

        Registering the same value (or an equal one under the same key) again changes nothing.
        Raises ValueError when the key is taken by a different entry: two apps claiming one
        key is a mistake to see at start-up, not an entry silently dropped.
        """
        entry_key = key or _describe(value)
        for existing in self._entries:
            if existing.value is value or (existing.key == entry_key and existing.value == value):
                return value
            if existing.key == entry_key:
                raise ValueError(
                    f"{self.name}: {entry_key!r} is already registered with another entry."
                )
        self._entries.append(Entry(value=value, order=order, key=entry_key))
        self._entries.sort(key=lambda e: e.order)  # stable: ties keep registration order
        return value

    def entries(self) -> list[T]:
        return [e.value for e in self._entries]

    def keys(self) -> list[str]:
        return [e.key for e in self._entries]

    def keyed(self) -> dict[str, T]:
        return {e.key: e.value for e in self._entries}

    def described(self) -> list[str]:
        """`order key` lines, for the listing test and for people."""
        return [f"{e.order:>4} {e.key}" for e in self._entries]

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self._entries)


def all_hooks() -> dict[str, Hook]:
    """Every declared hook by name (each module of this package declares its hooks on import)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_hooks.items()))
