"""The installed client app (clients.pwa): which of the client's own pages it keeps for offline use.

Each entry is a URL name (`"safety:my_plan"`) of a page that shows the signed-in client their OWN
record and nothing else, with no parameter in its URL, under the service worker's scope (`/me/`).
The service worker keeps a copy of each for the signed-in client so the installed app opens
offline (counter, safety plan, crisis numbers, support contacts). A page listed here is cached on
the client's phone, so never list a staff page or a page about anyone else; the view of a listed
page must also be wrapped in `clients.pwa.offline_page`, which marks each response that may be
kept (a test checks both).
"""

from __future__ import annotations

from . import Hook

offline_pages: Hook[str] = Hook(
    "offline pages",
    "The client's own pages the installed app keeps for offline use: URL names",
)


def register_offline_page(url_name: str, *, order: int = 100) -> str:
    """Lower `order` is fetched first (the home page first)."""
    return offline_pages.register(url_name, order=order, key=url_name)


def offline_page_names() -> list[str]:
    return offline_pages.entries()
