from __future__ import annotations

from django.conf import settings

from . import navigation as nav


def navigation(request):
    user = getattr(request, "user", None)
    items = nav.items_for(request) if user is not None and user.is_authenticated else []
    return {"nav_items": items, "site_url": settings.SITE_URL}
