from __future__ import annotations

from django import template
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from ..phones import display_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    return display_phone(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for paging and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.items()), doseq=True) if params else "?"


@register.filter
def relative_days(value: int | None) -> str:
    """A signed count of days from today in words: "today", "tomorrow", "in 3 days",
    "yesterday", "7 days ago" (never "-7 days"); "" for None."""
    if value is None or value == "":
        return ""
    days = int(value)
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    if days == -1:
        return gettext("yesterday")
    if days > 0:
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    return ngettext("%(days)s day ago", "%(days)s days ago", -days) % {"days": -days}


@register.filter
def relative_graduation(value: int | None) -> str:
    """'Graduation is in 3 days' / 'Graduation is today' / 'Graduation was 7 days ago'."""
    if value is None or value == "":
        return ""
    verb = "was" if int(value) < 0 else "is"
    return f"Graduation {verb} {relative_days(value)}"
