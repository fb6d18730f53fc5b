"""The client's pages: what later apps add to them, and where "/" takes someone.

- Client-page panels: sections on a client's staff page (timeline, alerts, scores...), shown in
  registration order (apps register in INSTALLED_APPS order).
- Client-home sections: sections on the client's own home page (their phone); lower `order`
  shows higher, ties keep registration order.
- Home destinations: where "/" takes someone who is neither staff nor a client (a family
  member); the first destination that answers with a URL wins.

Panels and sections take the request and the client (a `clients.Client`; core comes before
clients, so the type is not named here) and return rendered HTML, or "" to show nothing.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest

from . import Hook


class ClientPanel(Protocol):
    def __call__(self, request: HttpRequest, client: Any, /) -> str: ...


class HomeSection(Protocol):
    def __call__(self, request: HttpRequest, client: Any, /) -> str: ...


class HomeDestination(Protocol):
    # `user`: an accounts.User who is neither staff nor a client.
    def __call__(self, user: Any, /) -> str | None: ...


client_panels: Hook[ClientPanel] = Hook(
    "client panels", "Sections of a client's staff page: panel(request, client) -> HTML or ''"
)
home_sections: Hook[HomeSection] = Hook(
    "client home sections",
    "Sections of the client's own home page: section(request, client) -> HTML or ''",
)
home_destinations: Hook[HomeDestination] = Hook(
    "home destinations",
    "Where '/' takes someone neither staff nor client: destination(user) -> URL or None",
)


def register_client_panel(panel: ClientPanel) -> ClientPanel:
    return client_panels.register(panel)


def register_home_section(section: HomeSection, *, order: int = 100) -> HomeSection:
    """Lower `order` shows higher on the page."""
    return home_sections.register(section, order=order)


def register_home_destination(destination: HomeDestination) -> HomeDestination:
    return home_destinations.register(destination)


def client_panels_html(request: HttpRequest, client: Any) -> list[str]:
    """The panels that have something to show, in order."""
    return [html for panel in client_panels if (html := panel(request, client))]


def home_sections_html(request: HttpRequest, client: Any) -> list[str]:
    """The home sections that have something to show, in order."""
    return [html for section in home_sections if (html := section(request, client))]


def home_destination_for(user: Any) -> str | None:
    """The first destination that answers for `user`, or None."""
    for destination in home_destinations:
        if url := destination(user):
            return url
    return None
