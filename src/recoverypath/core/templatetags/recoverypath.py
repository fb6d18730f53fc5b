from __future__ import annotations

from django import template
from django.utils.http import urlencode

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
