"""The one API router: object ids in URLs are whole numbers, so `/things/abc/` is a 404, never
a database error. A viewset with another kind of key sets `lookup_value_regex` itself."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

ID_PATTERN = r"[0-9]{1,18}"


class Router(SimpleRouter):
    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        lookup_value = getattr(viewset, "lookup_value_regex", ID_PATTERN)
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"


def app_includes(module: str, *, exclude: tuple[str, ...] = ()) -> list:
    """`path("", include(...))` for each RecoveryPath app's `<module>` (urls, api) that exists,
    in INSTALLED_APPS order (ARCHITECTURE.md's order), so an app adds routes by having the file."""
    from django.apps import apps
    from django.urls import include, path

    patterns = []
    for config in apps.get_app_configs():
        if not config.name.startswith("recoverypath.") or config.label in exclude:
            continue
        target = f"{config.name}.{module}"
        try:
            patterns.append(path("", include(target)))
        except ModuleNotFoundError as exc:
            if exc.name != target:
                raise
    return patterns
