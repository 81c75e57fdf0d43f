"""Reliability with real processes: a worker SIGKILLed in the middle of an upload loses nothing.

The killed worker's message stays unacknowledged in Redis (acks_late); the upload stays "processing".
A new worker and the periodic sweep (`sweep_stuck_uploads`, sent as beat would send it) put it back in
the queue, and the resumed run skips the documents already stored; the killed task's own message comes
back too, once its visibility timeout has passed, and finds nothing left to do. Every article exists once.
"""

import io
import random
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from provenance.corpus.models import Article, Upload, UploadItem
from provenance.corpus.services import upload_create
from provenance.corpus.tasks import sweep_stuck_uploads
from tests.conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow]

DOCUMENTS = 400
SYLLABLES = "ka lo mi ner tas vu pre dom sil ar ek zu bra tin gol fe ris mon par lu".split()


def vocabulary(size: int = 4000, seed: int = 11) -> list[str]:
    """Made-up words: pages drawn from thousands of them share no passages and few word pairs, as
    unrelated articles do (a small shared vocabulary would make every page a candidate of every other)."""
    rng = random.Random(seed)
    return sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)})


WORDS = vocabulary()


def archive_of_pages(count: int, seed: int = 7) -> bytes:
    """A zip of `count` saved news pages with unrelated texts (nothing for detection to link)."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            paragraphs = "".join(
                "<p>" + " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + f" (item {number}-{p}).</p>"
                for p in range(6)
            )
            page = (
                f"<!doctype html><html><head><title>{title}</title>"
                f'<meta property="og:title" content="{title}"></head><body>'
                f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
                "<footer>All rights reserved</footer></body></html>"
            )
            archive.writestr(f"pages/page-{number:04d}.html", page)
    return buffer.getvalue()


def test_it_finishes_an_upload_whose_worker_was_killed_mid_task(celery_worker_process, analyst):
    upload = upload_create(
        uploader=analyst,
        files=[SimpleUploadedFile("collected-pages.zip", archive_of_pages(DOCUMENTS), "application/zip")],
        note="worker kill",
    )
    # Committed at once (transactional test): the task is on Redis and the worker starts on it.
    processing = Upload.objects.filter(pk=upload.pk, status=Upload.Status.PROCESSING)
    wait_until(
        lambda: processing.filter(files_done__gte=5).exists(),
        timeout=120, interval=0.05, message=f"the worker to be mid-upload\n{celery_worker_process.log()}",
    )
    celery_worker_process.kill()
    killed_task = re.search(r"process_upload\[([0-9a-f-]+)\] received", celery_worker_process.log()).group(1)

    upload.refresh_from_db()
    stored_before = Article.objects.filter(upload=upload).count()
    assert upload.status == Upload.Status.PROCESSING, "the worker finished before it could be killed"
    assert 0 < stored_before < DOCUMENTS
    assert upload.attempts == 1

    # A new worker comes up; the sweep (every 5 minutes from beat) finds the upload stuck and re-queues it.
    # A short visibility timeout lets this worker also get the killed task's unacknowledged message back
    # (acks_late), as any worker would an hour later: running it again must change nothing.
    celery_worker_process.start(UPLOAD_STUCK_AFTER="1", CELERY_VISIBILITY_TIMEOUT="3")
    sweep_stuck_uploads.delay()
    wait_until(
        lambda: Upload.objects.filter(pk=upload.pk, status=Upload.Status.DONE).exists(),
        timeout=240, interval=0.5, message=f"the upload to be finished\n{celery_worker_process.log()}",
    )
    wait_until(
        lambda: f"process_upload[{killed_task}] succeeded" in celery_worker_process.log(),
        timeout=180, interval=0.5, message=f"the killed task to be redelivered\n{celery_worker_process.log()}",
    )

    upload.refresh_from_db()
    articles = Article.objects.filter(upload=upload)
    assert upload.attempts == 2
    assert articles.count() == DOCUMENTS == upload.articles_created == upload.files_done
    assert upload.duplicates == upload.refused == 0
    assert sorted(articles.values_list("member_path", flat=True)) == [
        f"pages/page-{n:04d}.html" for n in range(DOCUMENTS)
    ]
    assert UploadItem.objects.filter(upload=upload).count() == DOCUMENTS
    assert "Task provenance.corpus.tasks.process_upload[" in celery_worker_process.log()
