from __future__ import annotations

from django.urls import reverse
from django.utils import timezone


def sign_in(request) -> dict:
    """For the base layout: the idle limit the page's script warns about, and the date by which
    a staff member without an authenticator must set one up (the banner on every page)."""
    policy = getattr(request, "sign_in_policy", None)
    if policy is None:
        return {}
    due = None
    required = policy.two_factor_required_from
    if (
        policy.staff
        and not policy.has_device
        and required is not None
        and required > timezone.now()
        and not request.path.startswith(reverse("accounts:two_factor"))
    ):
        due = required
    return {"idle_timeout_seconds": policy.idle_seconds, "two_factor_due": due}
