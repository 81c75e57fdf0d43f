"""`manage.py ingest PATH... [--manifest FILE] [--wait]`: folders, files, manifests, and its summary."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from provenance.corpus.models import Article, Upload
from provenance.corpus.services import outlets_load_defaults
from tests.ingest_helpers import SEEDS


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    outlets_load_defaults()


@pytest.mark.django_db
def test_it_applies_a_manifest_given_with_files_named_one_by_one(tmp_path):
    folder = tmp_path / "set"
    (folder / "docs").mkdir(parents=True)
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / "docs" / path.name)
    (folder / "docs" / "unlisted.txt").write_bytes((SEEDS / "003_a3f8a9ac8286ba8d.txt").read_bytes().replace(b"Isis", b"ISIS"))
    manifest = folder / "manifest.csv"
    manifest.write_text("path,url,outlet,published_at,title\n" + "".join(
        f"docs/{line}\n" for line in (SEEDS / "manifest.csv").read_text().splitlines()[1:]
    ))
    out = io.StringIO()
    files = sorted(str(p) for p in (folder / "docs").glob("*.txt"))
    call_command("ingest", *files, "--manifest", str(manifest), "--wait", stdout=out)
    assert "created 6, duplicates 0, refused 0" in out.getvalue()
    sputnik = Article.objects.get(path="docs/000_b37fa7fdce6cb95f.txt")
    assert sputnik.outlet.name == "Sputnik" and sputnik.field_sources["outlet"]["source"] == "manifest"
    assert Article.objects.filter(path="unlisted.txt").exists()


@pytest.mark.django_db
def test_it_reports_duplicates_on_a_second_run_and_creates_nothing():
    out = io.StringIO()
    call_command("ingest", str(SEEDS), "--wait", stdout=out)
    assert "created 5, duplicates 0, refused 0" in out.getvalue()
    assert "truth.json" in out.getvalue()  # not in the manifest: skipped, and said so
    second = io.StringIO()
    call_command("ingest", str(SEEDS), "--wait", stdout=second)
    assert "created 0, duplicates 5, refused 0" in second.getvalue()
    assert "same text as article #" in second.getvalue()
    assert Article.objects.count() == 5 and Upload.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_a_missing_path_or_a_bad_manifest_clearly(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("ingest", str(tmp_path / "nope"))
    bad = tmp_path / "manifest.csv"
    bad.write_text("file,outlet\na.txt,RT\n")
    with pytest.raises(CommandError, match="'path' column"):
        call_command("ingest", str(SEEDS / "000_b37fa7fdce6cb95f.txt"), "--manifest", str(bad))
    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_without_wait_it_queues_and_says_so():
    out = io.StringIO()
    call_command("ingest", str(SEEDS / "000_b37fa7fdce6cb95f.txt"), stdout=out)
    assert "Queued" in out.getvalue()
    assert Upload.objects.get().source == "cli"
