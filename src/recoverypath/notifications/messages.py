"""Rendering a message for a channel.

Whether a message may say anything about a client is the channel's own declaration
(`may_carry_health_information` on its transport, default no; core.hooks.channels). A channel
that may not (e-mail, SMS, anything new) gets no data but the link: whatever the caller passes in
`context`, its templates are rendered with only `link`, `site_url` and the few words a caller
deliberately sends outside (`external`). That is how "no protected health information in e-mail
or SMS" is kept by construction. A channel that may (in the app, read after login) gets the whole
context.

Templates, first found wins:
- subject: the channel folder's `messages/<template>/subject.txt`, then
  `notifications/messages/<template>/subject.txt` (app templates), then the channel folder's
  `messages/default/subject.txt`;
- body: the channel folder's `messages/<template>/body.txt`, then
  `notifications/messages/<template>/in_app.txt` (channels that may carry health information) or
  `.../external.txt` (the others), then the channel folder's `messages/default/body.txt`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.base import Template
from django.template.loader import select_template

from recoverypath.core.hooks.channels import channel_may_carry_health_information

from .channels import channel_folder


def _folder_template(channel: str, template: str, name: str) -> Template | None:
    path = channel_folder(channel) / "messages" / template / name
    if not path.is_file():
        return None
    return Engine.get_default().from_string(path.read_text())


# Within `templates_cached()` (a bulk write of many notices), each template is looked up once.
_cache: ContextVar[dict[tuple[str, str, str], Template] | None] = ContextVar(
    "notification_templates", default=None
)


@contextmanager
def templates_cached() -> Iterator[None]:
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def _find(channel: str, template: str, name: str, app_name: str) -> Template:
    cache = _cache.get()
    if cache is None:
        return _lookup(channel, template, name, app_name)
    key = (channel, template, name)
    if key not in cache:
        cache[key] = _lookup(channel, template, name, app_name)
    return cache[key]


def _lookup(channel: str, template: str, name: str, app_name: str) -> Template:
    found = _folder_template(channel, template, name)
    if found is not None:
        return found
    try:
        return select_template([f"notifications/messages/{template}/{app_name}"]).template
    except TemplateDoesNotExist:
        pass
    found = _folder_template(channel, "default", name)
    if found is None:
        raise TemplateDoesNotExist(f"{channel}: messages/default/{name}")
    return found


def _render(chosen: Template, context: dict[str, Any]) -> str:
    # Plain text: no HTML escaping of links or names.
    return chosen.render(Context(context, autoescape=False)).strip()


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
    `context` reaches a channel that may not carry health information."""
    link = absolute_link(link)
    safe = {**(external or {}), "link": link, "site_url": settings.SITE_URL}
    subject = _render(_find(channel, template, "subject.txt", "subject.txt"), safe)
    if channel_may_carry_health_information(channel):
        body = _find(channel, template, "body.txt", "in_app.txt")
        return subject, _render(body, {**context, **safe})
    return subject, _render(_find(channel, template, "body.txt", "external.txt"), safe)
