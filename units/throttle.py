"""Login throttling: after repeated failures, a username or an address must wait.

Failures are counted in the cache (``CACHES["default"]``) per username and per client address,
over ``LOGIN_FAILURE_WINDOW`` seconds. At ``LOGIN_FAILURES_PER_USER`` failures for one username,
or ``LOGIN_FAILURES_PER_IP`` from one address (higher: a county office shares one address), that
username or address is locked for ``LOGIN_LOCKOUT_SECONDS``: even the right password is refused
until then. A successful login clears the username's count, not the address's.

Two hooks do it, so that every way in is covered:

- ``record_failure`` listens to Django's ``user_login_failed`` signal (our login page, the
  admin's, ``Client.login``…);
- ``LoginThrottleBackend`` is the first authentication backend: while locked it refuses before
  any password is checked. Our ``LoginView`` checks first too, to say so in Chinese.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or the header a trusted proxy sets
    (``LOGIN_THROTTLE_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) when the app sits behind one."""
    if request is None:
        return ""
    header = getattr(settings, "LOGIN_THROTTLE_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    return value[:100]


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _subjects(request, username: str | None) -> list[tuple[str, str, int]]:
    """(kind, value, limit) for the username and the address, whichever are known."""
    subjects = []
    if username:
        subjects.append(("user", username, _limit("LOGIN_FAILURES_PER_USER", 5)))
    address = client_address(request)
    if address:
        subjects.append(("ip", address, _limit("LOGIN_FAILURES_PER_IP", 30)))
    return subjects


def locked_for(request, username: str | None) -> int:
    """Seconds until this username or address may try again; 0 when it may now."""
    now, wait = time.time(), 0.0
    for kind, value, _ in _subjects(request, username):
        until = cache.get(_key(f"lock-{kind}", value))
        if until:
            wait = max(wait, until - now)
    return math.ceil(wait) if wait > 0 else 0


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"登录失败次数过多，请 {minutes} 分钟后再试。"


@receiver(user_login_failed, dispatch_uid="units.throttle.record_failure")
def record_failure(sender, credentials, request=None, **kwargs) -> None:
    """Count a failure; at the limit, lock (and start counting afresh after the lock)."""
    username = (credentials or {}).get("username") or ""
    window = _limit("LOGIN_FAILURE_WINDOW", 15 * 60)
    lockout = _limit("LOGIN_LOCKOUT_SECONDS", 15 * 60)
    for kind, value, limit in _subjects(request, username):
        key = _key(kind, value)
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(_key(f"lock-{kind}", value), time.time() + lockout, timeout=lockout)
            cache.delete(key)


@receiver(user_logged_in, dispatch_uid="units.throttle.clear_user")
def clear_user(sender, request=None, user=None, **kwargs) -> None:
    if user is not None:
        cache.delete(_key("user", user.get_username()))


class LoginThrottleBackend:
    """First in ``AUTHENTICATION_BACKENDS``: a locked username or address gets no further."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if locked_for(request, username):
            raise PermissionDenied(wait_message(locked_for(request, username)))
        return None

    # No ``get_user``: this backend never logs anyone in, so sessions (and the test client's
    # ``force_login``) name the next one, ``units.backends.RoleBackend``.
