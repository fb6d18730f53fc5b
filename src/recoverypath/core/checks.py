"""System checks for a production deployment (`recoverypath check --deploy`)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, register

STATIC_NOT_COLLECTED = "recoverypath.E001"


def static_manifest_missing() -> Path | None:
    """The manifest file's path when production static storage needs one and it is missing."""
    storage = staticfiles_storage
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return None
    manifest = Path(storage.path(storage.manifest_name))
    return None if manifest.exists() else manifest


@register(deploy=True)
def check_static_files_collected(app_configs, **kwargs) -> list[Error]:
    """Without collected static files every page is a 500 ("Missing staticfiles manifest entry")."""
    manifest = static_manifest_missing()
    if manifest is None:
        return []
    return [
        Error(
            f"Static files are not collected: {manifest} is missing, so every page would fail.",
            hint="Run `recoverypath collectstatic --noinput` (`recoverypath serve` does it "
            "itself when the manifest is missing).",
            id=STATIC_NOT_COLLECTED,
        )
    ]
