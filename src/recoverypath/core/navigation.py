"""Role-aware navigation. Each app registers its own entries in AppConfig.ready().

An entry provider takes the request and returns NavItems the viewer may use; core knows nothing
of the apps that register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    badge: int | None = None
    badge_label: str = ""


Provider = Callable[[object], list[NavItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(request) -> list[NavItem]:
    items: list[NavItem] = []
    for provider in _providers:
        items.extend(provider(request))
    return sorted(items, key=lambda item: (item.order, item.label))
