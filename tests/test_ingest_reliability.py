"""Ingestion is safe to run twice, resumes after a crash without duplicating, and stuck uploads are swept."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from provenance.corpus import tasks
from provenance.corpus.models import Article, Upload, UploadFile, UploadItem
from provenance.corpus.services import (
    outlets_load_defaults,
    upload_create,
    upload_process,
    uploads_sweep_stuck,
)
from tests.ingest_files import zip_bytes
from tests.ingest_helpers import SEEDS, ingest_bytes

SEED_FILES = {p.name: p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    outlets_load_defaults()


def _create(files: dict[str, bytes]) -> Upload:
    return upload_create(
        uploader=None, files=[ContentFile(d, name=n) for n, d in files.items()], outlet_name="", url="",
        published_at=None, note="", source="cli",
    )


@pytest.mark.django_db
def test_it_processes_the_same_upload_twice_without_doing_anything_twice():
    upload = _create(SEED_FILES)
    assert upload_process(upload_id=upload.pk) is not None
    assert upload_process(upload_id=upload.pk) is None  # already claimed: nothing happens
    # Even forced back to queued, a second run writes no second article or outcome.
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.QUEUED)
    UploadFile.objects.filter(upload=upload).update(processed=False)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert Article.objects.count() == 5
    assert UploadItem.objects.filter(upload=upload).count() == 5
    assert upload.articles_created == 5 and upload.duplicates == 0 and upload.status == "done"


@pytest.mark.django_db
def test_it_resumes_after_a_worker_died_mid_upload_without_duplicates(monkeypatch):
    archive = zip_bytes({name: data for name, data in SEED_FILES.items()})
    upload = _create({"batch.zip": archive, "extra.txt": SEED_FILES["000_b37fa7fdce6cb95f.txt"].replace(b"160 militants", b"170 militants")})
    from provenance.corpus import services

    real_store, calls = services._store, {"n": 0}

    def dying_store(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # not an Exception: nothing catches it, like a SIGKILL
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "_store", dying_store)
    with pytest.raises(SystemExit):
        upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == Upload.Status.PROCESSING and Article.objects.count() == 2
    monkeypatch.setattr(services, "_store", real_store)
    # The sweep finds it once it has been stuck long enough, and the re-run finishes the job.
    Upload.objects.filter(pk=upload.pk).update(started_at=timezone.now() - timedelta(hours=2))
    assert uploads_sweep_stuck() == [upload.pk]
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == "done" and upload.attempts == 2
    assert Article.objects.count() == 6
    assert UploadItem.objects.filter(upload=upload).count() == 6
    assert sorted(Article.objects.values_list("path", flat=True))[0] == "batch.zip/000_b37fa7fdce6cb95f.txt"


@pytest.mark.django_db
def test_it_reports_a_second_copy_as_a_duplicate_and_creates_nothing():
    first = ingest_bytes({"a.txt": SEED_FILES["001_2ace830f55ffebb3.txt"]})
    # The same text with other whitespace, a zero-width space and a direction mark is the same article.
    text = SEED_FILES["001_2ace830f55ffebb3.txt"].decode()
    disguised = text.replace("An estimated", "An\u200b  estimated").replace("RIA news agency", "RIA\u200f news\u00a0agency")
    second = ingest_bytes({"b.txt": disguised.encode()})
    assert Article.objects.count() == 1
    item = UploadItem.objects.get(upload=second)
    assert item.outcome == "duplicate" and item.article == Article.objects.get(upload=first)
    assert second.duplicates == 1 and second.articles_created == 0


@pytest.mark.django_db
def test_the_sweep_requeues_stuck_uploads_and_leaves_fresh_ones(settings, django_capture_on_commit_callbacks):
    settings.UPLOAD_STUCK_AFTER = 600
    stuck = _create({"a.txt": SEED_FILES["002_5e28026613171c33.txt"]})
    fresh = _create({"b.txt": SEED_FILES["003_a3f8a9ac8286ba8d.txt"]})
    Upload.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        requeued = tasks.sweep_stuck_uploads()
    assert requeued == [stuck.pk] and callbacks
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    # Eager Celery ran the re-queued task: the stuck upload is done, the fresh one untouched.
    assert stuck.status == "done" and stuck.articles_created == 1
    assert fresh.status == "queued"


@pytest.mark.django_db
def test_the_task_is_thin_and_idempotent():
    upload = _create({"a.txt": SEED_FILES["004_3055d002b5b09591.txt"]})
    tasks.process_upload(upload.pk)
    tasks.process_upload(upload.pk)
    assert Article.objects.count() == 1
    assert tasks.process_upload.acks_late is True


@pytest.mark.django_db
def test_it_numbers_repeated_member_names_so_nothing_is_lost(recwarn):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", SEED_FILES["001_2ace830f55ffebb3.txt"])
        archive.writestr("a.txt", SEED_FILES["002_5e28026613171c33.txt"])
    upload = ingest_bytes({"twice.zip": buffer.getvalue()})
    assert sorted(UploadItem.objects.filter(upload=upload).values_list("member_path", flat=True)) == ["a.txt", "a.txt#2"]
    assert upload.articles_created == 2 and upload.files_total == 2


@pytest.mark.django_db
def test_it_carries_on_after_running_out_of_time_instead_of_failing(monkeypatch, django_capture_on_commit_callbacks):
    from celery.exceptions import SoftTimeLimitExceeded

    from provenance.corpus import services

    upload = _create({"batch.zip": zip_bytes(SEED_FILES)})
    real_store, calls = services._store, {"n": 0}

    def slow_store(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SoftTimeLimitExceeded()
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "_store", slow_store)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(SoftTimeLimitExceeded):
        upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == "queued" and callbacks  # queued again to carry on, nothing marked refused
    assert not UploadItem.objects.filter(upload=upload, outcome="refused").exists()
    monkeypatch.setattr(services, "_store", real_store)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == "done" and upload.articles_created == 5 and Article.objects.count() == 5
