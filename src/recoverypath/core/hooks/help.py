"""The "I need help now" page (safety): what later apps do when a client asks for help.

- Help actions: what an app can show on the help page for this client (who was told, or a button
  to tell them): action(request, client) -> rendered HTML or "".
- Help requests: record a press of the button (tell the care team, text the chosen contacts) and
  say where to show the client next: handler(request, client) -> a URL, or "" to pass. The first
  handler that answers with a URL decides the next page.

Both run in registration order. `client` is a `clients.Client`.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest

from . import Hook


class HelpAction(Protocol):
    def __call__(self, request: HttpRequest, client: Any, /) -> str: ...


class HelpRequest(Protocol):
    def __call__(self, request: HttpRequest, client: Any, /) -> str | None: ...


help_actions: Hook[HelpAction] = Hook(
    "help actions", "Shown on the help page: action(request, client) -> HTML or ''"
)
help_requests: Hook[HelpRequest] = Hook(
    "help requests", "Record a press of the help button: handler(request, client) -> next URL"
)


def register_help_action(action: HelpAction) -> HelpAction:
    return help_actions.register(action)


def register_help_request(handler: HelpRequest) -> HelpRequest:
    return help_requests.register(handler)


def help_actions_html(request: HttpRequest, client: Any) -> list[str]:
    return [html for action in help_actions if (html := action(request, client))]


def help_requests_handle(request: HttpRequest, client: Any) -> str | None:
    """Run the handlers until one answers with the URL to show next; None if none does."""
    for handler in help_requests:
        if url := handler(request, client):
            return url
    return None
