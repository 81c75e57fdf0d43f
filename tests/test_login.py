"""Login throttling: repeated failures lock a username out from an address (and an address out) for a while."""

import time

import pytest
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _fail(client, username="rev", address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address)


def _login(client, username="rev", address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def test_it_signs_in_with_the_right_password(client, reviewer):
    response = _login(client)
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


def test_it_locks_a_username_out_after_five_failures(client, reviewer, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _fail(client).status_code == 200
    assert _fail(client).status_code == 200  # the fifth failure is still an ordinary wrong password
    response = _login(client)  # the right password no longer helps
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    assert not response.wsgi_request.user.is_authenticated


def test_it_does_not_lock_a_username_out_from_another_address(client, reviewer):
    for _ in range(5):
        _fail(client, address="10.0.0.1")
    assert _login(client, address="10.0.0.1").status_code == 429
    assert _login(client, address="10.9.9.9").status_code == 302


def test_it_locks_out_an_address_that_tries_many_usernames(client, reviewer, settings):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        _fail(client, username=f"guess{n}", address="10.0.0.7")
    response = _login(client, address="10.0.0.7")
    assert response.status_code == 429
    # The same account from elsewhere is fine: only that address is locked.
    assert _login(client, address="10.0.0.8").status_code == 302


def test_it_ignores_case_and_spaces_in_the_locked_username(client, reviewer):
    for _ in range(5):
        _fail(client, username=" REV ", address="10.1.0.1")
    assert _login(client, address="10.1.0.1").status_code == 429


def test_it_lets_the_user_in_again_when_the_lockout_expires(client, reviewer, settings, monkeypatch):
    for _ in range(5):
        _fail(client)
    assert _login(client).status_code == 429
    if "locmem" in settings.CACHES["default"]["BACKEND"]:
        real_time = locmem.time.time
        monkeypatch.setattr(locmem.time, "time", lambda: real_time() + settings.LOGIN_LOCKOUT_SECONDS + 1)
    else:  # Redis (under CI) expires keys by itself: wait out a short lockout instead.
        settings.LOGIN_LOCKOUT_SECONDS = 2
        cache.clear()
        for _ in range(5):
            _fail(client)
        assert _login(client).status_code == 429
        time.sleep(2.5)
    response = _login(client)
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


def test_it_forgets_earlier_failures_after_a_successful_login(client, reviewer):
    for _ in range(4):
        _fail(client, address="10.3.0.1")
    assert _login(client, address="10.3.0.1").status_code == 302
    client.logout()
    for _ in range(4):
        _fail(client, address="10.3.0.1")
    assert _login(client, address="10.3.0.1").status_code == 302


def test_it_refuses_an_inactive_user(client):
    user = UserFactory(username="gone", role="reviewer")
    user.is_active = False
    user.save()
    response = _login(client, username="gone")
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_it_throttles_the_admin_login_too(client, moderator):
    """The admin's own login form would bypass throttling: it sends visitors to the app's login."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post("/admin/login/", {"username": "mod", "password": PASSWORD})
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_it_counts_failures_per_client_behind_a_proxy(client, reviewer, settings):
    """Behind the proxy every request comes from one address: the client's is the proxy-appended one."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for n in range(5):
        client.post(reverse("login"), {"username": "rev", "password": "x"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9")  # a spoofed first entry changes nothing
    locked = client.post(reverse("login"), {"username": "rev", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2",
                         HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    other = client.post(reverse("login"), {"username": "rev", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2",
                        HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert other.status_code == 302
