"""Navigation: the links in the site's menu.

Every app that has pages registers a provider in its `AppConfig.ready()`:

    register_nav_items(nav_items)

A provider takes the request and returns the `NavItem`s the viewer may use (none for a viewer
the app has nothing for). The menu shows every provider's items sorted by `NavItem.order`, then
label; the order in which providers are registered does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.http import HttpRequest

from . import Hook


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    badge: int | None = None
    badge_label: str = ""


class NavProvider(Protocol):
    def __call__(self, request: HttpRequest, /) -> list[NavItem]: ...


navigation: Hook[NavProvider] = Hook(
    "navigation", "Menu links: provider(request) -> the NavItems the viewer may use"
)


def register_nav_items(provider: NavProvider) -> NavProvider:
    return navigation.register(provider)


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    """Every registered item for this request, by (order, label)."""
    items: list[NavItem] = []
    for provider in navigation:
        items.extend(provider(request))
    return sorted(items, key=lambda item: (item.order, item.label))
