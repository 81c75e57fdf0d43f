"""Celery tasks of the corpus app: thin wrappers that take ids and call services."""

from celery import shared_task

from provenance.corpus.services import upload_process, uploads_sweep_stuck


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_upload(upload_id: int) -> None:
    """Read an upload's files into articles. Safe to run twice; a killed run is redelivered or swept."""
    upload_process(upload_id=upload_id)


@shared_task(ignore_result=True)
def sweep_stuck_uploads() -> list[int]:
    """Re-queue uploads stuck in queued/processing past settings.UPLOAD_STUCK_AFTER."""
    return uploads_sweep_stuck()
