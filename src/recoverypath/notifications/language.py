"""The language a person's messages are written in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def recipient_language(user: User | None) -> str:
    """The language code to render `user`'s messages in: their own choice when the account has
    one (a `language` field, once accounts stores it), else the site's LANGUAGE_CODE."""
    chosen = getattr(user, "language", "") if user is not None else ""
    return chosen or settings.LANGUAGE_CODE
