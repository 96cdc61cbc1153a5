"""Production settings plus a hello-world endpoint, for the benchmarks in bench/ only."""

from devopslearn.settings import *  # noqa: F403

ROOT_URLCONF = "devopslearn.urls_bench"
