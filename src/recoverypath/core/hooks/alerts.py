"""Alert kinds: the human label of each kind of alert an app raises.

    register_alert_kind("testing.positive", "Positive drug test")

The alert inbox shows the label; a kind nobody registered gets a label made from its name
(`alerts.kinds.kind_label`). Registering a kind twice keeps the first label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import Hook


@dataclass(frozen=True)
class AlertKind:
    kind: str
    label: str


alert_kinds: Hook[AlertKind] = Hook("alert kinds", "Labels of the kinds of alert apps raise")


def register_alert_kind(kind: str, label: str) -> AlertKind:
    return alert_kinds.register(AlertKind(kind=kind, label=label), key=kind)


def alert_kind_labels() -> dict[str, str]:
    """Label by kind, for every registered kind."""
    return {entry.kind: entry.label for entry in alert_kinds}


class AlertsChanged(Protocol):
    """Told, in the writer's transaction, the clients whose active alerts changed (raised,
    raised again, acknowledged, resolved): the coordinator dashboard keeps its stored risk rank
    from it."""

    def __call__(self, client_ids: list[int]) -> None: ...


alerts_changed_listeners: Hook[AlertsChanged] = Hook(
    "alerts changed", "Told the clients whose active alerts changed (stored risk ranks)"
)


def register_alerts_changed(listener: AlertsChanged, *, order: int = 100) -> AlertsChanged:
    return alerts_changed_listeners.register(listener, order=order)


def alerts_changed(client_ids: list[int]) -> None:
    """The alerts services call this after every write that changes a client's active alerts."""
    if not client_ids:
        return
    for listener in alerts_changed_listeners:
        listener(client_ids)
