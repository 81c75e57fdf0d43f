"""The README's two commands: what they run, and the demo data they load (twice, as a newcomer might)."""

import re
import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from provenance.corpus.models import Article, Upload

ROOT = Path(__file__).resolve().parent.parent


def make_dry_run(target: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_it_starts_the_readme_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```\w*\n(.*?)```", readme, re.DOTALL)
    assert readme.index(first_block.group(0)) < readme.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.split("#")[0].strip()]
    assert commands == ["make demo", "make test"]


def test_it_makes_the_demo_from_install_to_server():
    steps = make_dry_run("demo")
    expected = [
        "sync --frozen",
        "manage.py migrate --noinput",
        "manage.py setup_demo",
        "manage.py ingest samples/seeds --manifest samples/seeds/manifest.csv --wait",
        "manage.py runserver 127.0.0.1:8000",
    ]
    positions = [steps.index(step) for step in expected]
    assert positions == sorted(positions)
    assert "pip install --user --quiet uv" in steps


def test_it_runs_the_same_test_command_in_ci():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci
    assert re.search(r"^make test \|\| status=\$\?$", ci, re.MULTILINE)
    assert 'if [ "$status" -eq 5 ]' in ci
    assert "export DATABASE_URL=" in ci and "export REDIS_URL=" in ci
    assert "pytest" in make_dry_run("test")


def test_it_ships_the_samples_its_manifest_lists():
    manifest = (ROOT / "samples" / "seeds" / "manifest.csv").read_text().splitlines()
    listed = [line.split(",")[0] for line in manifest[1:] if line.strip()]
    assert len(listed) == 5
    assert all((ROOT / "samples" / "seeds" / name).is_file() for name in listed)


def test_it_loads_the_demo_twice_without_doubling_anything(transactional_db, client, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    seeds = ROOT / "samples" / "seeds"
    for _ in range(2):
        call_command("setup_demo", stdout=StringIO())
        call_command("ingest", str(seeds), manifest=str(seeds / "manifest.csv"), wait=True, stdout=StringIO())

    assert Article.objects.count() == 5
    first, second = Upload.objects.order_by("pk")
    assert (first.status, first.articles_created) == (Upload.Status.DONE, 5)
    assert (second.status, second.articles_created, second.duplicates) == (Upload.Status.DONE, 0, 5)
    assert set(Article.objects.values_list("outlet__name", flat=True)) >= {"Sputnik", "Global Research", "The Levant News"}
    response = client.post(
        reverse("login"), {"username": "reviewer", "password": "reviewer-demo-password", "next": "/healthz"}
    )
    assert response.status_code == 302 and response.url == "/healthz"
