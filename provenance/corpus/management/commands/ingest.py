"""Ingest files, folders and archives from the command line, through the same pipeline as the web form."""

import csv
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from provenance.corpus.models import Upload, UploadItem
from provenance.corpus.services import UploadError, upload_create, upload_process

MANIFEST_NAME = "manifest.csv"


def read_manifest(path: Path) -> dict[str, dict]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if "path" not in [(name or "").strip().lower() for name in reader.fieldnames or []]:
                raise CommandError(f"{path}: a manifest needs a 'path' column (and url, outlet, published_at, title)")
            rows = {}
            for row in reader:
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                if row.get("path"):
                    rows[row["path"].replace("\\", "/").lstrip("./")] = row
            return rows
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read manifest {path}: {exc}") from None


class Command(BaseCommand):
    help = (
        "Ingest PATH... (files, folders walked recursively, archives). A manifest.csv in a folder given "
        "applies to the files under it; --manifest FILE applies to all (paths relative to its folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--manifest", help="CSV with path,url,outlet,published_at,title.")
        parser.add_argument("--wait", action="store_true", help="Wait for processing to finish (runs it here if no worker picks it up).")
        parser.add_argument("--note", default="", help="A note stored with the upload.")

    def handle(self, *args, paths, manifest=None, wait=False, note="", **options):
        entries: list[tuple[Path, str, dict]] = []  # (file, name recorded, manifest row)
        global_manifest, manifest_root = {}, None
        if manifest:
            manifest_path = Path(manifest)
            global_manifest, manifest_root = read_manifest(manifest_path), manifest_path.resolve().parent
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                raise CommandError(f"{raw}: no such file or folder")
            if path.is_dir():
                local = read_manifest(path / MANIFEST_NAME) if (path / MANIFEST_NAME).is_file() else {}
                unlisted = []
                for file in sorted(p for p in path.rglob("*") if p.is_file()):
                    relative = file.relative_to(path).as_posix()
                    if relative == MANIFEST_NAME or any(part.startswith(".") for part in file.relative_to(path).parts):
                        continue
                    if local and relative not in local:
                        # A folder with a manifest is the set the manifest lists (truth files etc. stay out).
                        unlisted.append(relative)
                        continue
                    entries.append(self._entry(file, relative, local, global_manifest, manifest_root))
                if unlisted:
                    self.stdout.write(
                        f"{raw}: {len(unlisted)} file(s) not in its manifest skipped: " + ", ".join(unlisted[:5])
                        + (" ..." if len(unlisted) > 5 else "")
                    )
            else:
                entries.append(self._entry(path, path.name, {}, global_manifest, manifest_root))
        if not entries:
            raise CommandError("no files to ingest")
        uploads = []
        batch = settings.UPLOAD_MAX_FILES
        for start in range(0, len(entries), batch):
            chunk = entries[start : start + batch]
            handles = []
            try:
                files = []
                for file, name, _row in chunk:
                    handle = file.open("rb")
                    handles.append(handle)
                    files.append(File(handle, name=name))
                uploads.append(
                    upload_create(
                        uploader=None, files=files, note=note, source="cli",
                        manifest={name: row for _file, name, row in chunk if row},
                    )
                )
            except UploadError as exc:
                raise CommandError(str(exc)) from None
            finally:
                for handle in handles:
                    handle.close()
        self.stdout.write(f"{len(entries)} file(s) in {len(uploads)} upload(s): " + ", ".join(f"#{u.pk}" for u in uploads))
        if not wait:
            self.stdout.write("Queued. Follow progress on the uploads page, or run again with --wait.")
            return
        for upload in uploads:
            self._wait(upload)
        self._summary(uploads)

    def _entry(self, file: Path, relative: str, local: dict, global_manifest: dict, manifest_root: Path | None):
        """(file, the name recorded as the article path, its manifest row)."""
        if relative in local:
            return file, relative, local[relative]
        if global_manifest and manifest_root is not None:
            try:
                key = file.resolve().relative_to(manifest_root).as_posix()
            except ValueError:
                key = relative
            for candidate in (key, relative):
                if candidate in global_manifest:
                    return file, candidate, global_manifest[candidate]
        return file, relative, {}

    def _wait(self, upload: Upload, timeout: float = 3600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            upload.refresh_from_db()
            if upload.is_finished:
                return
            no_worker = settings.CELERY_TASK_ALWAYS_EAGER or time.monotonic() > deadline - timeout + 5
            if upload.status == Upload.Status.QUEUED and no_worker:
                # No worker (or none took it within a few seconds): process it here; the claim makes this safe.
                upload_process(upload_id=upload.pk)
                continue
            time.sleep(0.5)
        raise CommandError(f"upload #{upload.pk} did not finish within {timeout:.0f}s")

    def _summary(self, uploads: list[Upload]) -> None:
        created = duplicates = refused = 0
        reasons = []
        for upload in uploads:
            upload.refresh_from_db()
            created += upload.articles_created
            duplicates += upload.duplicates
            refused += upload.refused
            items = UploadItem.objects.filter(upload=upload).exclude(outcome=UploadItem.Outcome.CREATED).select_related("upload_file", "article")
            for item in items:
                if item.outcome == UploadItem.Outcome.DUPLICATE:
                    reasons.append(f"  duplicate  {item.display_name}: same text as article #{item.article_id}")
                else:
                    reasons.append(f"  refused    {item.display_name}: {item.reason}")
        self.stdout.write(f"created {created}, duplicates {duplicates}, refused {refused}")
        for line in reasons:
            self.stdout.write(line)
