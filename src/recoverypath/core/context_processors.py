from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .hooks.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    items = nav_items_for(request) if user is not None and user.is_authenticated else []
    return {"nav_items": items, "site_url": settings.SITE_URL}


# What the page's scripts say (static/recoverypath/offline.js), in the page's language: base.html
# writes them as JSON in a data attribute (no inline <script>: CSP); a script falls back to its
# English when a key is missing. "%(day)s" is filled in by the script.
PAGE_TEXT = {
    "idle_label": _("You are about to be signed out"),
    "idle_text": _("You will be signed out in a minute because this page has been idle."),
    "idle_stay": _("Stay signed in"),
    "check_in_sent": _("Your check-in for %(day)s was sent. Thank you."),
    "check_in_refused": _("Your check-in for %(day)s could not be saved:"),
    "check_in_again": _("please check in again."),
    "check_in_failed": _("Your check-in could not be saved: please check in again."),
    "log_in_again": _("Log in again to send the check-in saved on this phone."),
    "answer_all": _(
        "Please answer every question: mood, cravings, sleep (0 to 24 hours), stress, and yes "
        "or no."
    ),
    "say_what": _("Tell us what you used (Other is fine)."),
    "kept_offline": _(
        "You are offline. Your check-in is saved on this phone and will be sent when you are "
        "back online."
    ),
    "offline_copy": _("You are offline. This is the copy saved on your phone."),
    "daily_check_in": _("Daily check-in"),
}


def page_text(request: HttpRequest) -> dict[str, object]:
    return {"page_text": SimpleLazyObject(_page_text_json)}


def _page_text_json() -> str:
    return json.dumps({key: str(text) for key, text in PAGE_TEXT.items()}, ensure_ascii=False)
