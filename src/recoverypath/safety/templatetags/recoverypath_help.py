"""`{% help_now_button %}`: the "I need help now" button, a POST to safety's help page with a
fresh key per page, so a double tap is one press and two presses are two."""

from __future__ import annotations

from uuid import uuid4

from django import template

register = template.Library()


@register.inclusion_tag("safety/_help_button.html", takes_context=True)
def help_now_button(context, label: str = "I need help now") -> dict:
    return {"label": label, "key": uuid4().hex, "csrf_token": context.get("csrf_token")}
