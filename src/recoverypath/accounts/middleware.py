"""The sign-in policy, enforced on every request of a signed-in browser session.

1. Idle staff sessions end: a staff session unused for its program's `idle_timeout_minutes`
   is logged out (the page's script warns a minute before and offers to stay signed in).
2. A staff member or client with an authenticator must have verified it in this session
   (a session opened by other means, such as the Django admin's own login form, is held at
   the code step).
3. Staff whose two-factor grace period is over and who have no authenticator are held at the
   enrolment page; until then each page offers enrolment (see context_processors).

The policy is computed once at log in and kept in the session, so a page costs no extra query.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from recoverypath.core.errors import error_body

from .languages import recipient_language
from .selectors import SignInPolicy, sign_in_policy
from .services.sessions import signed_in_session_seen

if TYPE_CHECKING:
    from .models import User

POLICY_KEY = "rp_sign_in_policy"
LAST_ACTIVITY_KEY = "rp_last_activity"
# Write the last-activity time at most this often: a page view costs no session write.
ACTIVITY_GRANULARITY_SECONDS = 15
# Refresh the "last seen" of the signed-in devices page at most this often (one UPDATE).
SEEN_KEY = "rp_last_seen"
SEEN_GRANULARITY_SECONDS = 300
# Requests a page makes by itself (polling) carry this header and do not count as activity.
BACKGROUND_HEADER = "HTTP_X_RP_BACKGROUND"


def remember_policy(request, user: User) -> SignInPolicy:
    """Compute and store the policy for `user` in `request.session` (at log in, after enrolment)."""
    policy = sign_in_policy(user=user)
    request.session[POLICY_KEY] = policy.as_session()
    request.session[LAST_ACTIVITY_KEY] = request.session[SEEN_KEY] = time.time()
    return policy


def session_policy(request) -> SignInPolicy | None:
    """The policy stored in this request's session, if it belongs to the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    policy = SignInPolicy.from_session(request.session.get(POLICY_KEY))
    if policy is None or policy.user_id != user.pk:
        policy = remember_policy(request, user)  # a session from before this policy existed
    return policy


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("accounts:login_code"),
        reverse("accounts:keep_alive"),
        "/static/",
        "/favicon",
        "/robots.txt",
    )


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _redirect(request, url: str) -> HttpResponse:
    """A redirect the browser follows as a page, also from an HTMX request (which would swap the
    target page into a fragment)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = session_policy(request)
        if policy is None:
            return self.get_response(request)
        request.sign_in_policy = policy
        now = time.time()
        if policy.idle_seconds:
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int | float) and now - last > policy.idle_seconds:
                return self._idle_logout(request, policy)
            background = request.META.get(BACKGROUND_HEADER) == "1"
            if not background and (
                not isinstance(last, int | float) or now - last >= ACTIVITY_GRANULARITY_SECONDS
            ):
                request.session[LAST_ACTIVITY_KEY] = now
        seen = request.session.get(SEEN_KEY)
        if not isinstance(seen, int | float) or now - seen >= SEEN_GRANULARITY_SECONDS:
            request.session[SEEN_KEY] = now
            signed_in_session_seen(session_key=request.session.session_key)
        if not request.path.startswith(_exempt_paths()):
            held = self._held(request, policy, now)
            if held is not None:
                return held
        return self.get_response(request)

    def _idle_logout(self, request, policy: SignInPolicy):
        minutes = policy.idle_seconds // 60
        next_path = request.get_full_path() if request.method == "GET" else "/"
        logout(request)
        message = f"You were signed out after {minutes} minutes without activity."
        if _wants_json(request):
            return JsonResponse(error_body(401, "session_expired", message), status=401)
        messages.info(request, message)
        return _redirect(request, f"{reverse('accounts:login')}?{urlencode({'next': next_path})}")

    def _held(self, request, policy: SignInPolicy, now: float):
        """A response that holds the session at the code or enrolment step, or None."""
        if policy.has_device and not request.user.is_verified():
            if _wants_json(request):
                return JsonResponse(
                    error_body(
                        403,
                        "two_factor_required",
                        "Enter your two-factor code on the sign-in page first.",
                    ),
                    status=403,
                )
            return _redirect(
                request,
                f"{reverse('accounts:login_code')}?{urlencode({'next': request.get_full_path()})}",
            )
        if policy.two_factor_overdue(datetime.fromtimestamp(now, tz=UTC)):
            enrol = reverse("accounts:two_factor")
            if request.path.startswith(enrol):
                return None
            if _wants_json(request):
                return JsonResponse(
                    error_body(
                        403,
                        "two_factor_enrolment_required",
                        "Set up two-factor sign-in on the web before using the API.",
                    ),
                    status=403,
                )
            return _redirect(request, enrol)
        return None


class UserLanguageMiddleware:
    """Pages of a signed-in person are in their own language (`User.language`), whatever the
    browser asks for; anonymous pages keep what LocaleMiddleware chose (the language switch's
    cookie, else Accept-Language). Runs after authentication; LocaleMiddleware's response step
    then names the language in Content-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = recipient_language(user)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
