"""Helpers for ingestion tests: run an upload through the real pipeline and read what it produced."""

from pathlib import Path

from django.core.files.base import ContentFile

from provenance.corpus.models import Upload, UploadItem
from provenance.corpus.services import upload_create, upload_process

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"


def ingest_bytes(files: dict[str, bytes], *, uploader=None, manifest: dict | None = None, **given) -> Upload:
    """Create an upload from {name: bytes} and process it here (as the worker would)."""
    upload = upload_create(
        uploader=uploader,
        files=[ContentFile(data, name=name) for name, data in files.items()],
        outlet_name=given.get("outlet_name", ""),
        url=given.get("url", ""),
        published_at=given.get("published_at"),
        note=given.get("note", ""),
        source="cli",
        manifest=manifest,
    )
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def outcomes(upload: Upload) -> dict[str, UploadItem]:
    return {item.display_name: item for item in UploadItem.objects.filter(upload=upload).select_related("upload_file")}

