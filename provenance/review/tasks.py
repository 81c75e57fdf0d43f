"""Celery tasks of the review app: thin wrappers that take ids and call the detection service."""

from celery import shared_task

from provenance.review.detection import detect_articles


@shared_task(acks_late=True, ignore_result=True)
def detect_articles_task(article_ids: list[int]) -> dict:
    """Detect credits, text reuse, links and chains for these articles. Safe to run twice."""
    report = detect_articles(list(article_ids))
    return report.as_dict()
