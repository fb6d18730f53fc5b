"""The language a person reads: pages while signed in, and every message sent to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from .models import User


class Language(models.TextChoices):
    """The languages of pages and messages (settings.LANGUAGES), each named in itself."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


def supported_language(code: str | None) -> str:
    """`code` if it is one of settings.LANGUAGES (or its base language is), else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    if code:
        code = code.lower()
        if code in codes:
            return code
        base = code.split("-")[0]
        if base in codes:
            return base
    return settings.LANGUAGE_CODE


def recipient_language(user: User | None) -> str:
    """The language to write to `user` in: their chosen `User.language`; the site's default for
    nobody (a number that belongs to no user) or a value no longer offered."""
    return supported_language(getattr(user, "language", None))
