"""Ingest files, folders and archives from the command line, through the same pipeline as the web form."""

import contextlib
import stat
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from provenance.corpus.models import Upload, UploadFile, UploadItem
from provenance.corpus.services import UploadError, upload_create, upload_process
from provenance.extract import ExtractError
from provenance.extract.manifest import MANIFEST_NAME
from provenance.extract.manifest import read_manifest as parse_manifest


def not_regular(path: Path, *, follow_symlinks: bool = False) -> str:
    """Why path is not read as a file ('' when it is one): a symbolic link (unless followed) could lead
    anywhere (/etc/shadow), and a FIFO or a device would block the read or never end."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            if not follow_symlinks:
                return "a symbolic link (pass --follow-symlinks to read what links point to)"
            mode = path.stat().st_mode
    except OSError as exc:
        return f"missing or unreadable ({exc.strerror})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    return "not a regular file (a FIFO, socket or device)"


def read_manifest(path: Path, *, follow_symlinks: bool = False) -> dict[str, dict]:
    """The manifest's rows by path, through the same reader as the upload form and archives."""
    problem = not_regular(path, follow_symlinks=follow_symlinks) or ("a folder" if path.is_dir() else "")
    if problem:
        raise CommandError(f"cannot read manifest {path}: it is {problem}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read manifest {path}: {exc.strerror}") from None
    try:
        return parse_manifest(data, name=str(path))
    except ExtractError as exc:
        raise CommandError(exc.reason) from None


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
        parser.add_argument(
            "--follow-symlinks", action="store_true",
            help="Read the files symbolic links point to (by default links are skipped, and said so).",
        )

    def handle(self, *args, paths, manifest=None, wait=False, note="", follow_symlinks=False, **options):
        entries: list[tuple[Path, str, dict]] = []  # (file, name recorded, manifest row)
        skipped: list[str] = []
        global_manifest, manifest_root = {}, None
        if manifest:
            manifest_path = Path(manifest)
            global_manifest = read_manifest(manifest_path, follow_symlinks=follow_symlinks)
            manifest_root = manifest_path.resolve().parent
        for raw in paths:
            path = Path(raw)
            if not path.exists() and not path.is_symlink():
                raise CommandError(f"{raw}: no such file or folder")
            if problem := not_regular(path, follow_symlinks=follow_symlinks):
                skipped.append(f"{raw}: {problem}")
                continue
            if path.is_dir():
                local_path = path / MANIFEST_NAME
                has_local = local_path.exists() or local_path.is_symlink()
                local = read_manifest(local_path, follow_symlinks=follow_symlinks) if has_local else {}
                unlisted = []
                for file in sorted(path.rglob("*")):
                    relative = file.relative_to(path).as_posix()
                    if relative == MANIFEST_NAME or any(part.startswith(".") for part in file.relative_to(path).parts):
                        continue
                    if file.is_dir() and not file.is_symlink():
                        continue
                    if problem := not_regular(file, follow_symlinks=follow_symlinks) or (
                        "a link to a folder (only the folders given are walked)" if file.is_dir() else ""
                    ):
                        skipped.append(f"{file}: {problem}")
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
        for line in skipped:
            self.stdout.write(f"skipped {line}")
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
        failed = self._summary(uploads)
        if failed:
            raise CommandError(f"{len(failed)} upload(s) failed: " + ", ".join(f"#{u.pk}" for u in failed))

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
                # A failure is logged and the upload marked failed by upload_process: the summary reports it.
                with contextlib.suppress(Exception):
                    upload_process(upload_id=upload.pk)
                continue
            time.sleep(0.5)
        raise CommandError(f"upload #{upload.pk} did not finish within {timeout:.0f}s")

    def _summary(self, uploads: list[Upload]) -> list[Upload]:
        """Print what became of every file; return the uploads that failed."""
        created = duplicates = refused = 0
        reasons, failed = [], []
        for upload in uploads:
            upload.refresh_from_db()
            created += upload.articles_created
            duplicates += upload.duplicates
            refused += upload.refused
            items = UploadItem.objects.filter(upload=upload).exclude(outcome=UploadItem.Outcome.CREATED, reason="")
            for item in items.select_related("upload_file"):
                if item.outcome == UploadItem.Outcome.CREATED:
                    reasons.append(f"  note       {item.display_name}: {item.reason}")
                elif item.outcome == UploadItem.Outcome.DUPLICATE:
                    reasons.append(f"  duplicate  {item.display_name}: same text as article #{item.article_id}")
                else:
                    reasons.append(f"  refused    {item.display_name}: {item.reason}")
            if upload.status == Upload.Status.FAILED:
                failed.append(upload)
                reasons.append(f"upload #{upload.pk} failed: {upload.error}")
                unread = UploadFile.objects.filter(upload=upload, processed=False).values_list("original_name", flat=True)
                reasons.extend(f"  unread     {name}" for name in unread)
        self.stdout.write(f"created {created}, duplicates {duplicates}, refused {refused}")
        for line in reasons:
            self.stdout.write(line)
        return failed
