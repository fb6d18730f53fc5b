"""Settings for the HTTP benchmarks: the application's, with `bench_urls` as the URL map."""

from recoverypath.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
