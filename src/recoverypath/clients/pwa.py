"""The client pages as an installable app (PWA): the web app manifest and the service worker.

The service worker (template `clients/sw.js`, served at /sw.js so that it may control /me/) keeps
the signed-in client's own pages for offline use: the pages listed on the `offline pages` hook
(core.hooks.offline), each answered by a view wrapped in `offline_page`, which marks a response
that may be kept with the owner's token. Staff pages are never listed, never marked and outside the
worker's scope; the cache is cleared on sign-out (static `recoverypath/offline.js`). The rules are
written out at the top of the worker itself.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET

from recoverypath.core import permissions
from recoverypath.core.hooks.offline import offline_page_names

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User

# The header that marks a response the service worker may keep; its value names the owner.
OFFLINE_MARK = "X-RP-Offline"
THEME_COLOUR = "#12355b"  # the top bar's colour (static/recoverypath/app.css)
BACKGROUND_COLOUR = "#f6f7f9"


def offline_scope() -> str:
    """Where the installed app lives: the client's own pages, all under /me/."""
    return reverse("clients:me")


def offline_owner(user: User | AnonymousUser) -> str:
    """An opaque token for the signed-in person: the worker keeps one person's pages at a time and
    drops the whole cache when a page of someone else arrives. It does not reveal the user id."""
    return salted_hmac("recoverypath.clients.pwa.offline_owner", str(user.pk)).hexdigest()[:32]


def offline_page(view: Callable | None = None, *, warm: bool = False):
    """Wrap the view of a page listed on the `offline pages` hook.

    The page links the manifest and registers the service worker (base.html reads
    `request.rp_offline_app`); a 200 answer to a signed-in client (never staff) carries
    OFFLINE_MARK, without which the worker keeps nothing. `warm=True` (the home page): loading
    the page asks the worker to refresh its copies of every listed page.
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            keepable = user.is_authenticated and not permissions.is_staff_member(user)
            if keepable:
                request.rp_offline_app = {  # type: ignore[attr-defined]  # read by base.html
                    "owner": offline_owner(user),
                    "warm": warm,
                    "scope": offline_scope(),
                }
            response = func(request, *args, **kwargs)
            if keepable and response.status_code == 200:
                response[OFFLINE_MARK] = offline_owner(user)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


def offline_page_urls() -> list[str]:
    """The paths the worker keeps, home first (core.hooks.offline)."""
    return [reverse(name) for name in offline_page_names()]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: installs the client's home (/me/) as a standalone app."""
    scope = offline_scope()
    icons = [
        {
            "src": static(f"recoverypath/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "id": scope,
        "name": "RecoveryPath",
        "short_name": "RecoveryPath",
        "description": "Your recovery: check-ins, your safety plan and your people, even offline.",
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script, at the site root so it may control the client pages; it is
    registered with the scope /me/ (allowed by Service-Worker-Allowed)."""
    config = {
        "pages": offline_page_urls(),
        "staticPrefix": static(""),
        "mark": OFFLINE_MARK,
    }
    script = render_to_string("clients/sw.js", {"config": json.dumps(config)})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = offline_scope()
    # Always revalidated, so a new worker (a changed list of pages) reaches phones at once.
    response["Cache-Control"] = "no-cache"
    return response
