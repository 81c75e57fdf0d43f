"""Login throttling, the usual two counters.

- Failures for one username from one address: LOGIN_FAILURE_LIMIT (5) locks that pair out, so guessing
  one account's password is slow, yet someone typing wrong passwords for "nobody" (or for you) from
  another address does not lock you out.
- Failures from one address, whatever the username: LOGIN_ADDRESS_FAILURE_LIMIT (50) locks the address
  out, so one client cannot spray passwords over many accounts.
- Failures for one username from anywhere: LOGIN_USERNAME_FAILURE_LIMIT (100) locks the username out, so
  guessing from many addresses is bounded too; it is high so that one stranger cannot lock you out.

Both last LOGIN_LOCKOUT_SECONDS from the first failure; a successful login clears its username+address
counter.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

USER_LOCKED_MESSAGE = "Too many failed attempts for this username. Try again in {minutes}."
ADDRESS_LOCKED_MESSAGE = "Too many failed attempts from your network address. Try again in {minutes}."


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _user_key(username: str, address: str) -> str:
    return f"login-fail:user-addr:{_digest(username.strip().lower(), address)}"


def _username_key(username: str) -> str:
    return f"login-fail:user:{_digest(username.strip().lower())}"


def _address_key(address: str) -> str:
    return f"login-fail:addr:{_digest(address)}"


def _minutes() -> str:
    minutes = max(1, -(-settings.LOGIN_LOCKOUT_SECONDS // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def login_lockout(*, username: str, address: str) -> str | None:
    """Why this username may not sign in from this address right now, or None when it may try."""
    if (cache.get(_user_key(username, address)) or 0) >= settings.LOGIN_FAILURE_LIMIT:
        return USER_LOCKED_MESSAGE.format(minutes=_minutes())
    if (cache.get(_address_key(address)) or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return ADDRESS_LOCKED_MESSAGE.format(minutes=_minutes())
    if (cache.get(_username_key(username)) or 0) >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
        return USER_LOCKED_MESSAGE.format(minutes=_minutes())
    return None


def login_failed(*, username: str, address: str) -> None:
    for key in (_user_key(username, address), _address_key(address), _username_key(username)):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(*, username: str, address: str) -> None:
    cache.delete(_user_key(username, address))
