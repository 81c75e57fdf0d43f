"""A round trip through the real stack: the web form queues on Redis, a real Celery worker processes it."""

from pathlib import Path

import pytest
from django.urls import reverse

from provenance.corpus.models import Article, Upload
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "seeds" / "000_b37fa7fdce6cb95f.txt"

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_it_processes_an_upload_from_the_web_form_in_a_real_worker(celery_worker_process, client, analyst):
    client.force_login(analyst)
    with SAMPLE.open("rb") as handle:
        response = client.post(
            reverse("upload_new"),
            {"files": [handle], "outlet": "Sputnik", "url": "", "published_at": "", "note": "worker round trip"},
        )
    assert response.status_code in {200, 302, 303}, response.content[:500]
    upload = Upload.objects.get(note="worker round trip")
    detail_url = reverse("upload_detail", args=[upload.pk])

    # The page polls its progress fragment; the fragment answers 286 (stop polling) once finished.
    wait_until(
        lambda: client.get(detail_url, headers={"HX-Request": "true"}).status_code == 286,
        timeout=120, interval=0.5, message=f"the upload page to show it done\n{celery_worker_process.log()}",
    )
    page = client.get(detail_url)
    assert page.status_code == 200
    assert "done" in page.content.decode().lower()

    upload.refresh_from_db()
    assert upload.status == Upload.Status.DONE, upload.error
    assert upload.articles_created == 1
    article = Article.objects.get(upload=upload)
    assert article.outlet.name == "Sputnik"
    # It was the worker process that did it, not an in-process (eager) call.
    assert "Task provenance.corpus.tasks.process_upload[" in celery_worker_process.log()
    assert "succeeded" in celery_worker_process.log()
