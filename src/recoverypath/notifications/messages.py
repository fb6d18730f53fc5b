"""Rendering a message for a channel.

E-mail and SMS leave the building, so their templates get no data but the link: whatever the
caller passes in `context`, `external.txt` and `subject.txt` are rendered with only `link` and
`site_url`. That is how "no protected health information in e-mail or SMS" is kept by
construction. In-app text (`in_app.txt`) is shown only after login and gets the whole context.
Templates live at notifications/messages/<template>/; missing files fall back to
notifications/messages/default/.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template import Context
from django.template.loader import select_template

EXTERNAL_CHANNELS = frozenset({"email", "sms"})


def _render(template: str, name: str, context: dict[str, Any]) -> str:
    chosen = select_template(
        [f"notifications/messages/{template}/{name}", f"notifications/messages/default/{name}"]
    )
    # Plain text: no HTML escaping of links or names.
    return chosen.template.render(Context(context, autoescape=False)).strip()


def absolute_link(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.SITE_URL}{link if link.startswith('/') else '/' + link}"


def render_message(
    *,
    template: str,
    channel: str,
    context: dict[str, Any],
    link: str,
    external: dict[str, str] | None = None,
) -> tuple[str, str]:
    """(subject, body) for `channel`. `external`: the few words a caller deliberately sends
    outside (e.g. the first name a client chose to share with their sponsor); nothing else of
    `context` ever reaches e-mail or SMS."""
    link = absolute_link(link)
    safe = {**(external or {}), "link": link, "site_url": settings.SITE_URL}
    subject = _render(template, "subject.txt", safe)
    if channel in EXTERNAL_CHANNELS:
        return subject, _render(template, "external.txt", safe)
    return subject, _render(template, "in_app.txt", {**context, **safe})
