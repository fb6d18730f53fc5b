"""Logins that another app owns the meaning of (a client's own login): switched off and on, and
the invitations still waiting for its subject withdrawn. The owning app checks the permission and
audits the change in its own transaction; these are the writes to accounts' tables."""

from __future__ import annotations

from ..models import Invitation, User


def user_active_set(*, user: User, active: bool) -> None:
    """Switch `user`'s login off or on with one UPDATE (no post_save: the caller decides what
    else goes with it) and mirror it on the object."""
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active


def user_preferred_name_set(*, user: User, preferred_name: str) -> None:
    """Keep a client's login greeting them by the name on their record (one UPDATE, mirrored on
    the object); the owning app (clients) checks the permission and audits the change."""
    if user.preferred_name == preferred_name:
        return
    User.objects.filter(pk=user.pk).update(preferred_name=preferred_name)
    user.preferred_name = preferred_name


def invitations_revoke_pending(*, subject_type: str, subject_id: str | int) -> int:
    """Mark every waiting invitation to `subject_type`/`subject_id` revoked; how many were."""
    return Invitation.objects.filter(
        subject_type=subject_type, subject_id=str(subject_id), status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED)
