"""docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so check what they say."""

import importlib
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_it_defines_the_production_services(compose):
    assert {"postgres", "redis", "web", "worker"} <= set(compose["services"])
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["build"] == "."


def test_it_gives_every_long_running_service_a_healthcheck(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    for name in ("postgres", "redis", "web", "worker"):
        healthcheck = services[name]["healthcheck"]
        assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}
        assert healthcheck["retries"] >= 3


def test_it_starts_the_app_only_once_its_services_are_healthy(compose):
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name


def test_it_publishes_the_web_port_and_serves_with_gunicorn(compose):
    web = compose["services"]["web"]
    assert web["ports"] == ["8000:8000"]
    command = command_text(web)
    assert "manage.py migrate --noinput" in command
    assert command.index("migrate") < command.index("gunicorn")
    assert re.search(r"gunicorn provenance\.wsgi:application --bind 0\.0\.0\.0:8000\b", command)


def test_it_keeps_the_database_and_media_in_volumes(compose):
    assert {"db", "media"} <= set(compose["volumes"])
    assert "db:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    for name in ("web", "worker"):
        assert "media:/data/media" in compose["services"][name]["volumes"]
        assert compose["services"][name]["environment"]["MEDIA_ROOT"] == "/data/media"


def test_it_configures_the_app_for_production_from_the_environment(compose):
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        # The secret comes from the environment of whoever runs compose, never from this file.
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert env["ALLOWED_HOSTS"]


def test_its_commands_name_modules_that_exist(compose):
    web_module, attribute = re.search(r"gunicorn ([\w.]+):(\w+)", command_text(compose["services"]["web"])).groups()
    assert callable(getattr(importlib.import_module(web_module), attribute))
    for name in ("worker", "beat"):
        command = compose["services"][name]["command"]
        assert command[:3] == ["celery", "-A", "provenance"]
        assert command[3] == name
    from provenance.celery import app

    assert importlib.import_module("provenance").celery_app is app
    assert app.main == "provenance"


def test_it_builds_an_image_with_uv_from_the_lock_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "the app must not run as root"
    for source in re.findall(r"^COPY (?!--)(.+) \S+$", dockerfile, re.MULTILINE):
        for name in source.split():
            assert name == "." or (ROOT / name).exists(), name
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git"} <= set(ignored)
