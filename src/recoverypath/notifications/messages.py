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
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.base import (
    FilterExpression,
    Template,
    TextNode,
    TokenType,
    Variable,
    VariableNode,
)
from django.template.defaulttags import LoadNode
from django.template.loader import select_template
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.functional import Promise

from recoverypath.core.hooks.channels import channel_may_carry_health_information

from .channels import channel_folder


def _folder_template(channel: str, template: str, name: str) -> Template | None:
    path = channel_folder(channel) / "messages" / template / name
    if not path.is_file():
        return None
    return Engine.get_default().from_string(path.read_text())


# Within `templates_cached()` (a bulk write of many notices), each template is looked up once,
# and each is rendered once per language and values of the variables it uses (a nightly job's
# thousands of alerts share a handful of subjects and bodies).
_cache: ContextVar[dict[tuple[str, str, str], Template] | None] = ContextVar(
    "notification_templates", default=None
)
_rendered: ContextVar[dict[tuple, str] | None] = ContextVar("notification_renders", default=None)


@contextmanager
def templates_cached() -> Iterator[None]:
    token, rendered = _cache.set({}), _rendered.set({})
    try:
        yield
    finally:
        _cache.reset(token)
        _rendered.reset(rendered)


def _names(expression: FilterExpression) -> set[str] | None:
    """The context names a filter expression reads (a literal reads none)."""
    names: set[str] = set()
    for part in [expression.var, *(arg for _, args in expression.filters for _, arg in args)]:
        if isinstance(part, Variable):
            if part.lookups is not None:
                names.add(part.lookups[0])
        elif not isinstance(part, str | int | float | type(None)):
            return None
    return names


@lru_cache(maxsize=256)
def _template_names(chosen: Template) -> frozenset[str] | None:
    """Every context name the template reads, or None when it holds a tag this cannot see
    through (then its output is not reused: it could depend on anything, e.g. the time). Kept
    per template (an object that does not change once parsed), not walked for every render."""
    names: set[str] = set()
    for node in chosen.nodelist:
        if isinstance(node, TextNode | LoadNode):
            continue
        if isinstance(node, VariableNode) or (
            isinstance(node, TranslateNode) and node.asvar is None and node.message_context is None
        ):
            found = _names(node.filter_expression)
        elif (
            isinstance(node, BlockTranslateNode)
            and node.asvar is None
            and node.message_context is None
            and not node.plural
        ):
            local = set(node.extra_context)
            found = {
                t.contents.split(".")[0] for t in node.singular if t.token_type == TokenType.VAR
            }
            found -= local
            for expression in node.extra_context.values():
                more = _names(expression)
                found = None if more is None or found is None else found | more
        else:
            return None
        if found is None:
            return None
        names |= found
    return frozenset(names)


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


_MISSING = object()
_PLAIN = (str, int, float, bool, type(None))


def _key_value(value: Any) -> Any:
    """A context value as part of a render's key: its type and itself when plain (True, 1 and
    1.0 are equal keys but render differently), a lazy string as its text in the active
    language (the key holds the language), else NotImplemented (no reuse)."""
    if value is _MISSING:
        return value
    if type(value) in _PLAIN:
        return (type(value), value)
    if isinstance(value, Promise):
        return (Promise, str(value))
    return NotImplemented


def _render(chosen: Template, context: dict[str, Any]) -> str:
    rendered = _rendered.get()
    names = _template_names(chosen) if rendered is not None else None
    if rendered is None or names is None:
        return _render_now(chosen, context)
    values = tuple(_key_value(context.get(name, _MISSING)) for name in sorted(names))
    if NotImplemented in values:
        return _render_now(chosen, context)
    key = (id(chosen), translation.get_language(), *values)
    if key not in rendered:
        rendered[key] = _render_now(chosen, context)
    return rendered[key]


def _render_now(chosen: Template, context: dict[str, Any]) -> str:
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
