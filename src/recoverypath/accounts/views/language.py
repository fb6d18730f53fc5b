"""The language switch at the foot of every page: a signed-in person's choice is kept on their
account (pages and messages); anyone else's in a cookie (LocaleMiddleware reads it)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import services
from ..languages import supported_language


@require_POST
def language_switch(request):
    """POST `language` (en, es) and `next` (a path on this site, default /). Redirects back."""
    wanted = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language = supported_language(wanted)
    if wanted != language:  # not offered: nothing changes
        return response
    if request.user.is_authenticated:
        try:
            services.language_choose(actor=request.user, language=language)
        except ValidationError:
            return response
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
