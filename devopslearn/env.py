"""Reading the environment: shared by the settings and gunicorn's configuration (gunicorn.conf.py),
so that both decide the same way from the same variables."""

import os


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def behind_tls_proxy() -> bool:
    """True when a TLS-terminating proxy in front of the app may say the request came over HTTPS
    (``X-Forwarded-Proto``): only with ``SECURE_HTTPS=1`` and ``BEHIND_TLS_PROXY=1``."""
    return env_bool("SECURE_HTTPS") and env_bool("BEHIND_TLS_PROXY")


def forwarded_allow_ips() -> list[str]:
    """The addresses whose ``X-Forwarded-*`` headers gunicorn believes: the proxy's
    (``FORWARDED_ALLOW_IPS``, by default the same machine) behind a TLS proxy, nobody otherwise."""
    if not behind_tls_proxy():
        return []
    return env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
