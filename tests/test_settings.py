"""Settings come from the environment: the quick-start defaults, production values, and Celery's config."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "provenance" / "settings.py"
ENV_NAMES = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "VAR_DIR",
    "STATIC_ROOT", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CELERY_TASK_TIME_LIMIT",
    "CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_VISIBILITY_TIMEOUT", "BEHIND_PROXY",
)
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Gq2LmVn9Rt4Kc8Wb1Yz6Hd3Pf5Js0Ua-Ne_Mo7Ti2Lr8Vq4Xs1Cg9Bh3Dk5Fw6Zp",
    "ALLOWED_HOSTS": "provenance.example.org",
    "DATABASE_URL": "postgres://provenance:secret@db.example.org:5432/provenance",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}


def load_settings(monkeypatch, tmp_path, **env: str) -> dict:
    """Execute settings.py afresh with exactly these variables set (and the others unset)."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_it_passes_the_deployment_checks_with_production_values(tmp_path):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    env = {
        name: value for name, value in os.environ.items()
        if name not in ENV_NAMES and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION_ENV, VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, tmp_path, DEBUG="false")


def test_it_defaults_to_sqlite_under_var_and_in_process_tasks(monkeypatch, tmp_path):
    config = load_settings(monkeypatch, tmp_path)
    assert config["DEBUG"] is True
    database = config["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == tmp_path / "var" / "provenance.sqlite3"
    assert config["CELERY_TASK_ALWAYS_EAGER"] is True
    assert config["CELERY_BROKER_URL"] == "memory://"
    assert "locmem" in config["CACHES"]["default"]["BACKEND"]
    # A per-process cache must not hold sessions: a session ended in one worker would live on in another.
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert config["MEDIA_ROOT"] == tmp_path / "var" / "media"


def test_it_uses_postgres_and_redis_when_given(monkeypatch, tmp_path):
    config = load_settings(monkeypatch, tmp_path, **PRODUCTION_ENV)
    database = config["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == ("provenance", "db.example.org", 5432)
    assert config["CELERY_TASK_ALWAYS_EAGER"] is False
    assert config["CELERY_BROKER_URL"] == config["CELERY_RESULT_BACKEND"] == PRODUCTION_ENV["REDIS_URL"]
    assert config["CACHES"]["default"]["LOCATION"] == PRODUCTION_ENV["REDIS_URL"]
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    # Queue rows are cached under everything they show, so each process may keep its own.
    assert "locmem" in config["CACHES"]["template_fragments"]["BACKEND"]
    assert config["ALLOWED_HOSTS"] == ["provenance.example.org"]
    assert config["SESSION_COOKIE_SECURE"] and config["CSRF_COOKIE_SECURE"]
    assert config["SECURE_HSTS_SECONDS"] >= 31536000


def test_it_configures_celery_for_reliable_delivery():
    from provenance.celery import app

    conf = app.conf
    assert conf.task_serializer == conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    # A task still running when the visibility timeout expires would be delivered a second time.
    assert conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]


def test_it_registers_every_task_that_is_scheduled_or_queued():
    from provenance.celery import app

    app.loader.import_default_modules()
    expected = {
        "provenance.corpus.tasks.process_upload",
        "provenance.corpus.tasks.sweep_stuck_uploads",
        "provenance.review.tasks.detect_articles_task",
    } | {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert expected <= set(app.tasks)


def test_it_collects_the_static_files_production_serves(tmp_path):
    """DEBUG off serves hashed files from the manifest: a missing reference would break every page."""
    env = {name: value for name, value in os.environ.items() if name not in ENV_NAMES}
    env.update(PRODUCTION_ENV, VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "django_htmx/htmx-2.min.js" in manifest and "css/app.css" in manifest
