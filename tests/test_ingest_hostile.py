"""A hostile corpus (one file per bad-input case) through the web form and the command: one clear error
each, no 500, no traceback, no stray files or rows, and the good files of the same batch still import."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from provenance.corpus.models import Article, Upload, UploadFile, UploadItem
from provenance.corpus.services import outlets_load_defaults
from tests.ingest_files import HOSTILE_LIMITS, hostile_corpus, html_page, zip_bytes
from tests.ingest_helpers import SEEDS

GOOD = {
    "000_b37fa7fdce6cb95f.txt": (SEEDS / "000_b37fa7fdce6cb95f.txt").read_bytes(),
    "good.html": html_page(),
    "good.zip": zip_bytes({"inside/story.txt": (SEEDS / "004_3055d002b5b09591.txt").read_bytes()}),
}


@pytest.fixture
def limits(settings, tmp_path):
    for name, value in HOSTILE_LIMITS.items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = tmp_path / "media"
    outlets_load_defaults()
    return settings


def _stored_files(media: Path) -> set[str]:
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()} if media.exists() else set()


def _assert_outcomes(upload: Upload, media: Path) -> None:
    upload.refresh_from_db()
    assert upload.status == Upload.Status.DONE, upload.error
    items = list(UploadItem.objects.filter(upload=upload).select_related("upload_file"))
    by_file: dict[str, list[UploadItem]] = {}
    for item in items:
        name = item.upload_file.original_name if item.upload_file else item.member_path
        by_file.setdefault(name, []).append(item)
    for name, (_data, words) in hostile_corpus().items():
        [item] = by_file[name]  # exactly one outcome per hostile file
        assert item.outcome == UploadItem.Outcome.REFUSED, (name, item.reason)
        assert words in item.reason, (name, item.reason)
        assert "Traceback" not in item.reason and "Error(" not in item.reason
        assert item.article_id is None
    created = [i for n in GOOD for i in by_file[n]]
    assert [i.outcome for i in created] == ["created"] * 3
    # No stray rows: articles exist only for the good files; no stray files: every stored file has its row.
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("path", flat=True)) == {
        "000_b37fa7fdce6cb95f.txt", "good.html", "good.zip/inside/story.txt",
    }
    assert _stored_files(media) == set(UploadFile.objects.values_list("file", flat=True))
    # Empty and oversized files are refused before they are stored.
    assert not UploadFile.objects.filter(original_name__in=["empty.txt", "oversize.txt"]).exists()
    assert upload.articles_created == 3 and upload.refused == len(hostile_corpus())
    assert upload.files_done == upload.files_total == len(items)


@pytest.mark.django_db
def test_it_refuses_each_hostile_file_through_the_web_form(limits, analyst_client, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile(name, data) for name, (data, _) in hostile_corpus().items()]
    files += [SimpleUploadedFile(name, data) for name, data in GOOD.items()]
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(reverse("upload_new"), {"files": files, "note": "hostile"})
    assert response.status_code == 303
    upload = Upload.objects.get(note="hostile")
    _assert_outcomes(upload, Path(limits.MEDIA_ROOT))
    page = analyst_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    for name, (_data, words) in hostile_corpus().items():
        assert name in text and words.replace("'", "&#x27;") in text
    assert "Traceback" not in text


@pytest.mark.django_db
def test_it_refuses_each_hostile_file_through_the_command(limits, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, (data, _) in hostile_corpus().items():
        (folder / name).write_bytes(data)
    for name, data in GOOD.items():
        (folder / name).write_bytes(data)
    out = io.StringIO()
    call_command("ingest", str(folder), "--wait", stdout=out)
    output = out.getvalue()
    upload = Upload.objects.get()
    assert upload.source == "cli"
    _assert_outcomes(upload, Path(limits.MEDIA_ROOT))
    assert "created 3, duplicates 0, refused 15" in output
    for name, (_data, words) in hostile_corpus().items():
        line = next(line for line in output.splitlines() if f" {name}" in line)
        assert "refused" in line and words in line


@pytest.mark.django_db
def test_it_refuses_an_upload_with_too_many_files_through_the_command(limits, tmp_path, settings):
    settings.UPLOAD_MAX_FILES = 3
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.txt").write_bytes((SEEDS / "000_b37fa7fdce6cb95f.txt").read_bytes())
    out = io.StringIO()
    call_command("ingest", str(folder), "--wait", stdout=out)
    # The command splits a large folder into uploads within the limit rather than losing files.
    assert Upload.objects.count() == 2
    assert "created 1, duplicates 3, refused 0" in out.getvalue()
