"""The suite's rule for real services: skipped with the reason on a laptop, a failure under CI."""

import pytest

from tests import conftest


@pytest.fixture
def redis_missing(monkeypatch):
    monkeypatch.setitem(conftest.SERVICE_CHECKS, "redis", lambda: (False, "REDIS_URL is not set"))


def test_it_skips_with_the_reason_outside_ci(monkeypatch, redis_missing):
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="needs redis: REDIS_URL is not set"):
        conftest.require_service("redis")


def test_it_fails_under_ci(monkeypatch, redis_missing):
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="needs redis, which CI must provide: REDIS_URL is not set"):
        conftest.require_service("redis")


def test_it_tells_a_silent_redis_from_an_unset_one(settings):
    settings.REDIS_URL = ""
    assert conftest._redis_status.__wrapped__() == (False, "REDIS_URL is not set")
    settings.REDIS_URL = "redis://127.0.0.1:1/15"
    available, reason = conftest._redis_status.__wrapped__()
    assert not available and "does not answer" in reason

