"""Links to objects by id, many on one page: `id_url(name, pk)` is `reverse(name, args=[pk])`
for a URL whose one argument is an integer id, with the URL pattern reversed once per name (a
caseload page links each of its 50 rows three times; reverse() walks the patterns each time)."""

from __future__ import annotations

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# An id no table reaches in the lifetime of this code, that every integer converter accepts.
_MARKER = 987654321987


@lru_cache(maxsize=512)
def _halves(name: str, urlconf: str | None, prefix: str) -> tuple[str, str] | None:
    url = reverse(name, args=[_MARKER], urlconf=urlconf)
    if url.count(str(_MARKER)) != 1:
        return None
    head, tail = url.split(str(_MARKER))
    return head, tail


def id_url(name: str, pk: int) -> str:
    """The URL named `name` for the object with id `pk` (NoReverseMatch as reverse() raises)."""
    halves = _halves(name, get_urlconf(), get_script_prefix())
    if halves is None:
        return reverse(name, args=[pk])
    return f"{halves[0]}{int(pk)}{halves[1]}"


@receiver(setting_changed, dispatch_uid="core.links.forget_patterns")
def _forget(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _halves.cache_clear()
