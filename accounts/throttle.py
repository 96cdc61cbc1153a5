"""Throttles on what costs a password hash or sends an e-mail, counted in the database so that every
gunicorn worker sees the same counts (the app's caches are per worker).

Each scope allows ``count`` events per ``seconds`` for one key (a client address, an account, an
e-mail address); the limits are settings.ACCOUNT_THROTTLES. Keys are stored as keyed hashes.
django-axes still locks one account from one address after AXES_FAILURE_LIMIT failures; the scopes
here add what it cannot express: a limit per address across every username it tries.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from accounts.models import ThrottleEvent, identity_key


def _limit(scope: str) -> tuple[int, timedelta]:
    count, seconds = settings.ACCOUNT_THROTTLES[scope]
    return count, timedelta(seconds=seconds)


def key(scope: str, value: object) -> str:
    """How ``value`` is stored for ``scope``: a keyed hash (64 hex characters)."""
    return salted_hmac("accounts.throttle", f"{scope}:{value}", algorithm="sha256").hexdigest()


def retry_after(scope: str, value: object) -> int:
    """Seconds until one more event of ``scope`` is allowed for ``value``; 0 when it is allowed now."""
    count, period = _limit(scope)
    now = timezone.now()
    recent = list(
        ThrottleEvent.objects.filter(scope=scope, key=key(scope, value), at__gt=now - period)
        .order_by("-at")
        .values_list("at", flat=True)[:count]
    )
    if len(recent) < count:
        return 0
    return max(1, math.ceil((recent[-1] + period - now).total_seconds()))


def record(scope: str, value: object) -> None:
    """Count one event of ``scope`` for ``value`` (and forget events older than every window)."""
    now = timezone.now()
    longest = max(seconds for _count, seconds in settings.ACCOUNT_THROTTLES.values())
    ThrottleEvent.objects.filter(at__lt=now - timedelta(seconds=longest)).delete()
    ThrottleEvent.objects.create(scope=scope, key=key(scope, value), at=now)


def allow(scope: str, value: object) -> bool:
    """Count the event and say True, or say False (counting nothing) when the limit is reached."""
    if retry_after(scope, value):
        return False
    record(scope, value)
    return True


def refusal(seconds: int) -> str:
    """The plain message for a refused request, with the wait in minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts from your network. Please try again in %(minutes)d minute.",
        "Too many attempts from your network. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The name django-axes counts failures under: the identity key, so that ``Đức1`` and ``ĐỨC1``
    share one lock (AXES_USERNAME_CALLABLE)."""
    if credentials:
        username = credentials.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    else:
        username = getattr(request, "data", request.POST).get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    return identity_key(username) if isinstance(username, str) else username


class AddressThrottleBackend:
    """First in AUTHENTICATION_BACKENDS after django-axes: a login from an address that has failed
    ACCOUNT_THROTTLES["login-address"] times, whatever the usernames, is refused before any password
    is hashed, on every login form (the site's and the admin's). The site's login page says so in
    plain words (accounts.views.LoginView)."""

    def authenticate(self, request, **credentials):
        if request is not None:
            from devopslearn.lib.client_ip import client_ip

            if retry_after("login-address", client_ip(request)):
                raise PermissionDenied  # ends authenticate(): no other backend runs
        return None  # (no get_user: it never logs anybody in, and the test client picks the first that has one)
