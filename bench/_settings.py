"""Settings for the HTTP benchmarks: the application's, with `_urls` as the URL map."""

from recoverypath.settings import *  # noqa: F403

ROOT_URLCONF = "_urls"
