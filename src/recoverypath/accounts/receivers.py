"""Every log in, log out and failed log in goes to the audit trail; a log in records the session
for the "signed-in devices" page and stores the sign-in policy; a password change or a
deactivation revokes the account's API tokens."""

from __future__ import annotations

import contextlib

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from recoverypath.core import ratelimit
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.net import client_address

from .middleware import remember_policy
from .models import User
from .services import (
    api_tokens_revoke_all,
    sessions_end_all,
    sign_in_record,
    signed_in_session_forget,
)


@receiver(user_logged_in)
def _logged_in(sender, request, user: User, **kwargs):
    audit_record(actor=user, action=Action.LOGIN, obj=user)
    if request is not None and hasattr(request, "session"):
        sign_in_record(request=request, user=user)
        remember_policy(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user: User | None, **kwargs):
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, obj=user)
    if request is not None and hasattr(request, "session"):
        signed_in_session_forget(session_key=request.session.session_key)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(
        actor=None,
        action=Action.LOGIN_FAILED,
        object_type="accounts.user",
        changes={"attempted_email": attempted},
    )
    if request is not None:
        # Failures from one address over any accounts: password spraying. Counted here so the
        # web form and the token endpoint share one budget; the next attempt is refused.
        with contextlib.suppress(ratelimit.RateLimited):
            ratelimit.hit("login_failures_address", client_address(request))


@receiver(post_save, sender=User)
def _password_or_activity_changed(sender, instance: User, created: bool, **kwargs):
    # Every path that changes a password (reset link, admin form, set_password + save) ends in
    # this save; `_password` is set by set_password until AbstractBaseUser.save clears it, right
    # after this signal.
    if created:
        return
    if getattr(instance, "_password", None) is not None:
        api_tokens_revoke_all(user=instance, reason="password_changed")
        sessions_end_all(user=instance)  # Django refuses them already; this drops their rows
    if not instance.is_active:
        api_tokens_revoke_all(user=instance, reason="deactivated")
        sessions_end_all(user=instance)
