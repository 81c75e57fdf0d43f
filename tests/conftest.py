import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role="analyst")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rev", role="reviewer")


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="rev2", role="reviewer")


@pytest.fixture
def moderator(db):
    return UserFactory(username="mod", role="moderator")


@pytest.fixture
def outsider(db):
    """Signed in, but in no role group."""
    return UserFactory(username="outsider")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


# --- Real services (PostgreSQL, Redis, a Celery worker) ---------------------------------------
#
# A test that needs a service asks for the `postgres_service` / `redis_service` fixture or carries
# `@pytest.mark.services` (optionally `@pytest.mark.services("redis")`). When the service is missing
# the test is skipped with the reason, except under CI (CI=true), where it fails: CI must exercise
# the real stack, never skip it silently.

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
ROOT = Path(__file__).resolve().parent.parent


def _postgres_status() -> tuple[bool, str]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return False, f"DATABASE_URL is not a PostgreSQL URL (database engine: {engine})"
    return True, ""


@functools.cache
def _redis_status() -> tuple[bool, str]:
    from django.conf import settings

    url = settings.REDIS_URL
    if not url:
        return False, "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the service is not there
        return False, f"Redis at {url} does not answer ({exc.__class__.__name__}: {exc})"
    return True, ""


SERVICE_CHECKS = {"postgres": _postgres_status, "redis": _redis_status}


def require_service(name: str) -> None:
    available, reason = SERVICE_CHECKS[name]()
    if available:
        return
    if IN_CI:
        pytest.fail(f"needs {name}, which CI must provide: {reason}", pytrace=False)
    pytest.skip(f"needs {name}: {reason} (set DATABASE_URL/REDIS_URL, or run .ci/run)")


def pytest_runtest_setup(item):
    for marker in item.iter_markers(name="services"):
        for name in marker.args or ("postgres", "redis"):
            require_service(name)


@pytest.fixture
def postgres_service():
    require_service("postgres")


@pytest.fixture
def redis_service():
    require_service("redis")


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns on every request when STATIC_ROOT is missing (collectstatic never ran here)."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """PBKDF2's million rounds cost ~0.3 s per user created or login; tests do not need them."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return by_marker or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _role_groups_survive_flushes(request):
    """Transactional tests end by emptying every table, the role groups of the data migration included.

    Give the next transactional test its groups back by replaying that migration's function.
    """
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        from django.contrib.auth.models import Group

        from provenance.accounts.roles import ROLES

        if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
            import importlib

            from django.db import connection
            from django.db.migrations.loader import MigrationLoader

            state = MigrationLoader(connection).project_state(("accounts", "0001_roles"))
            importlib.import_module("provenance.accounts.migrations.0001_roles").create_roles(state.apps, None)
    yield


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks():
    """Each test starts with an empty cache and tasks run in-process.

    Tasks run eagerly even when REDIS_URL is set, so a test behaves the same on SQLite and under CI;
    the tests that need the real broker take the `celery_worker_process` fixture, which switches
    this test's tasks over to Redis.
    """
    from django.core.cache import caches

    from provenance.celery import app
    from provenance.corpus import outlets as outlet_registry

    for name in ("default", "template_fragments"):
        caches[name].clear()
    # The outlet directory is memoised per process; ids from an earlier test's rows must not leak.
    if hasattr(outlet_registry, "_built"):
        outlet_registry._built = None
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


class CeleryWorker:
    """A real `celery -A provenance worker` process, on the test database and the test Redis."""

    def __init__(self, *, env: dict[str, str], log_dir: Path, queue: str):
        self.env = env
        self.log_dir = log_dir
        self.queue = queue
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.started = 0

    def start(self, timeout: float = 60, **extra_env: str) -> "CeleryWorker":
        """Start a worker (again); `extra_env` overrides settings for this one, e.g. a visibility timeout."""
        self.started += 1
        self.log_path = self.log_dir / f"worker-{self.started}.log"
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "provenance", "worker",
                "--pool", "solo", "--concurrency", "1", "-Q", self.queue,
                "--hostname", f"test-{self.started}-{os.getpid()}@%h",
                "--without-gossip", "--without-mingle", "--loglevel", "INFO",
            ],
            cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited at start:\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the Celery worker was not ready within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path else ""

    def kill(self) -> None:
        """SIGKILL the worker's whole process group, as a crashed machine or the OOM killer would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, grace: float = 5) -> None:
        """Warm shutdown (finish the current task) for `grace` seconds, then SIGKILL."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def wait_until(predicate, *, timeout: float, interval: float = 0.25, message: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}", pytrace=False)


@pytest.fixture
def celery_worker_process(transactional_db, postgres_service, redis_service, settings, tmp_path):
    """A started real Celery worker sharing this test's (committed) database, media and Redis.

    Tasks queued by this test go to Redis. `celery_worker_process.kill()` SIGKILLs it;
    `.start()` starts a fresh one. Stopped at teardown, before the database is flushed.
    """
    import redis
    from django.db import connection

    from provenance.celery import app

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    database_url = "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=quote(db["USER"] or "", safe=""),
        password=quote(db["PASSWORD"] or "", safe=""),
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        name=quote(db["NAME"], safe=""),
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "provenance.settings",
        "PYTHONUNBUFFERED": "1",
    }
    app.conf.task_always_eager = False
    worker = CeleryWorker(env=env, log_dir=tmp_path, queue=app.conf.task_default_queue)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager = True


@pytest.fixture
def users(outsider, analyst, reviewer, moderator):
    """One user per role plus an outsider, by role name."""
    return {"outsider": outsider, "analyst": analyst, "reviewer": reviewer, "moderator": moderator}


@pytest.fixture
def world(users, settings, tmp_path):
    """One object of every kind the app's URLs take, owned across the roles (tests/walk.py)."""
    from tests.walk import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(moderator=users["moderator"], reviewer=users["reviewer"], analyst=users["analyst"])
