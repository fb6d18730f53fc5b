"""The language a person reads pages and messages in (`User.language`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recoverypath.core.audit import Action, audit_record

from ..languages import Language
from ..models import User


def user_language_set(*, user: User, language: str) -> bool:
    """Set `user`'s language with one UPDATE, mirrored on the object; returns whether it changed.
    The owning app (clients, for a client's login set by staff) checks the permission and audits.
    Raises ValidationError for a language not offered."""
    if language not in Language.values:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True


def language_choose(*, actor: User, language: str) -> User:
    """The signed-in person chooses their own language (pages and every message from now on).
    Raises ValidationError. One audit row when it changes."""
    before = actor.language
    with transaction.atomic():
        if user_language_set(user=actor, language=language):
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=actor,
                changes={"language": [before, language]},
            )
    return actor
