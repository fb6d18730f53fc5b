from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .hooks.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    items = nav_items_for(request) if user is not None and user.is_authenticated else []
    return {"nav_items": items, "site_url": settings.SITE_URL}
