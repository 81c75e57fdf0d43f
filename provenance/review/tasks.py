"""Celery tasks of the review app: thin wrappers that take ids and call the detection service."""

from celery import shared_task
from django.db import IntegrityError, OperationalError

from provenance.review.detection import detect_articles


# Two workers detecting overlapping articles at once can race on the unique link/chain constraints;
# the loser's transaction rolls back whole and the task runs again (detection is safe to repeat).
@shared_task(
    acks_late=True,
    autoretry_for=(IntegrityError, OperationalError),
    retry_backoff=2,
    retry_jitter=True,
    max_retries=5,
)
def detect_articles_task(article_ids: list[int]) -> dict:
    """Detect credits, text reuse, links and chains for these articles. Safe to run twice."""
    report = detect_articles(list(article_ids))
    return report.as_dict()
