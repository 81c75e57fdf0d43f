"""Writes of the corpus app: the outlet registry and ingestion (uploads → articles).

Views, tasks and commands call these; the parsing itself is plain Python in provenance.extract.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify

from provenance.corpus.models import Article, Outlet, Upload, UploadFile, UploadItem
from provenance.corpus.outlets import outlet_directory, outlet_directory_changed
from provenance.detect.outlets import normalise_domain, normalise_name
from provenance.extract import (
    ExtractError,
    Given,
    Limits,
    NameFinder,
    normalise_for_hash,
    read_file,
    resolve_metadata,
)
from provenance.extract.dates import bounded, in_range
from provenance.extract.decode import strip_controls
from provenance.extract.manifest import is_manifest, manifest_given, read_manifest
from provenance.extract.metadata import read_given_date
from provenance.extract.types import ANALYST

logger = logging.getLogger(__name__)

DEFAULT_OUTLETS = Path(__file__).resolve().parent / "data" / "outlets.json"

# Hosts that serve everyone's pages: a list flagging one channel on them must not flag the platform.
PLATFORM_HOSTS = frozenset(
    {
        "t.me", "telegram.me", "youtube.com", "youtu.be", "facebook.com", "twitter.com", "x.com",
        "vk.com", "ok.ru", "instagram.com", "tiktok.com", "medium.com", "substack.com", "odysee.com",
        "rumble.com", "bitchute.com", "blogspot.com", "wordpress.com", "livejournal.com", "google.com",
    }
)


# --- Outlet registry ---------------------------------------------------------------------------


@dataclass
class OutletRecord:
    """One outlet as a list describes it, before it is merged into the registry."""

    name: str
    aliases: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    kind: str = ""
    country: str = ""
    parent: str = ""
    notes: str = ""
    flags: list[str] = field(default_factory=list)


@dataclass
class OutletImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        return text


class OutletListError(ValueError):
    """The outlet list cannot be read (wrong format, missing columns)."""


def outlet_records_from_json(data: str | bytes) -> list[OutletRecord]:
    try:
        payload = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OutletListError(f"not valid JSON: {exc}") from None
    rows = payload.get("outlets") if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        raise OutletListError('expected a list of outlets or {"outlets": [...]}')
    records = []
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not str(row.get("name") or "").strip():
            raise OutletListError(f"outlet #{position} has no name")
        domains = []
        for domain in _text_list(row, "domains", position):
            try:
                domains.append(normalise_domain(domain))
            except ValueError:
                raise OutletListError(f"outlet #{position}: {domain!r} is not a domain") from None
        records.append(
            OutletRecord(
                name=_text(row["name"]),
                aliases=_text_list(row, "aliases", position),
                domains=domains,
                kind=_text(row.get("kind")),
                country=_text(row.get("country")),
                parent=_text(row.get("parent")),
                notes=_text(row.get("notes")),
                flags=_text_list(row, "flags", position),
            )
        )
    return records


def _text(value) -> str:
    """A value of an outlet list as stored text: no NUL or other control characters."""
    return strip_controls(str(value if value is not None else "")).strip()


def _text_list(row: dict, key: str, position: int) -> list[str]:
    """A list of strings (a single string counts as a list of one), or a clear error."""
    value = row.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) for item in value):
        raise OutletListError(f"outlet #{position}: {key} must be a list of strings")
    return [text for text in map(_text, value) if text]


def outlet_records_from_csv(text: str) -> tuple[list[OutletRecord], list[str]]:
    """Rows like sites_of_concern.csv (Threat Actor, Domain, Name, Source), grouped per domain."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if "domain" not in columns:
        raise OutletListError("the CSV needs a Domain column (and optionally Name, Source, Threat Actor)")
    by_domain: dict[str, OutletRecord] = {}
    skipped: list[str] = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        host = _host_of(row.get("domain", "").split(",")[0])
        if not host or "." not in host:
            skipped.append(f"line {line}: no usable domain in {row.get('domain', '')!r}")
            continue
        if host in PLATFORM_HOSTS:
            skipped.append(f"line {line}: {host} is a platform shared by many outlets")
            continue
        record = by_domain.setdefault(host, OutletRecord(name=row.get("name") or host, domains=[host]))
        if row.get("name") and record.name == host:
            record.name = row["name"]
        for flag in (row.get("source", ""), row.get("threat actor", "")):
            if flag and flag not in record.flags:
                record.flags.append(flag)
    return list(by_domain.values()), skipped


def _host_of(value: str) -> str:
    value = re.sub(r"^(https?):/+", r"\1://", value.strip(), flags=re.IGNORECASE)
    if "//" not in value:
        value = "http://" + value
    try:
        return normalise_domain(urlsplit(value).hostname or "")
    except ValueError:
        return ""


def _unique_slug(name: str, taken: set[str]) -> str:
    base = (slugify(name) or "outlet")[:190]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def outlets_import(*, records: list[OutletRecord]) -> OutletImportSummary:
    """Merge outlet records into the registry by name and domain. Idempotent.

    Existing values are kept (a moderator may have edited them); names, aliases, domains and flags
    that are new are added. Parents are resolved by name once every record is in.
    """
    summary = OutletImportSummary()
    outlets = list(Outlet.objects.all())
    by_name: dict[str, Outlet] = {}
    by_domain: dict[str, Outlet] = {}
    taken_slugs = {o.slug for o in outlets}
    taken_names = {o.name for o in outlets}

    def index(outlet: Outlet) -> None:
        for name in outlet.all_names:
            by_name.setdefault(normalise_name(name), outlet)
        by_name[normalise_name(outlet.name)] = outlet
        for domain in outlet.domains:
            by_domain.setdefault(normalise_domain(domain), outlet)

    def find(record: OutletRecord) -> Outlet | None:
        found = by_name.get(normalise_name(record.name))
        if found:
            return found
        for domain in record.domains:
            host = domain
            while host and "." in host:
                if host in by_domain:
                    return by_domain[host]
                host = host.split(".", 1)[1]
        return None

    for outlet in outlets:
        index(outlet)

    valid_kinds = set(Outlet.Kind.values)
    new: list[Outlet] = []
    changed: dict[int, Outlet] = {}
    parents: list[tuple[Outlet, str]] = []
    for record in records:
        outlet = find(record)
        if outlet is None:
            name = record.name[:200]
            if name in taken_names:
                summary.skipped.append(f"{record.name}: name clash")
                continue
            taken_names.add(name)
            outlet = Outlet(
                name=name,
                slug=_unique_slug(name, taken_slugs),
                aliases=list(dict.fromkeys(a for a in record.aliases if a != name)),
                domains=list(dict.fromkeys(record.domains)),
                kind=record.kind if record.kind in valid_kinds else Outlet.Kind.OTHER,
                country=record.country[:100],
                notes=record.notes,
                flags=list(dict.fromkeys(record.flags)),
            )
            new.append(outlet)
            index(outlet)
            summary.created += 1
        else:
            dirty = False
            known = {normalise_name(n) for n in outlet.all_names}
            for alias in [record.name, *record.aliases]:
                if normalise_name(alias) not in known and alias != outlet.name:
                    outlet.aliases = [*outlet.aliases, alias]
                    known.add(normalise_name(alias))
                    dirty = True
            for domain in record.domains:
                if domain not in outlet.domains:
                    outlet.domains = [*outlet.domains, domain]
                    dirty = True
            for flag in record.flags:
                if flag not in outlet.flags:
                    outlet.flags = [*outlet.flags, flag]
                    dirty = True
            if record.kind in valid_kinds and outlet.kind == Outlet.Kind.OTHER and record.kind != outlet.kind:
                outlet.kind, dirty = record.kind, True
            if record.country and not outlet.country:
                outlet.country, dirty = record.country[:100], True
            if record.notes and not outlet.notes:
                outlet.notes, dirty = record.notes, True
            if dirty:
                index(outlet)
                if outlet.pk:
                    changed[outlet.pk] = outlet
                    summary.updated += 1
            elif outlet.pk and outlet.pk not in changed:
                summary.unchanged += 1
        if record.parent:
            parents.append((outlet, record.parent))

    Outlet.objects.bulk_create(new, batch_size=500)
    new_ids = {outlet.pk for outlet in new}
    for outlet, parent_name in parents:
        parent = by_name.get(normalise_name(parent_name))
        if parent is None or parent.pk is None or parent.pk == outlet.pk or outlet.parent_id:
            continue
        outlet.parent = parent
        if outlet.pk not in changed and outlet.pk not in new_ids:
            summary.updated += 1
            summary.unchanged -= 1
        changed[outlet.pk] = outlet
    if changed:
        Outlet.objects.bulk_update(
            list(changed.values()), ["aliases", "domains", "flags", "kind", "country", "notes", "parent"],
            batch_size=500,
        )
    if new or changed:
        outlet_directory_changed()
    return summary


def outlets_import_file(*, path: str | Path) -> OutletImportSummary:
    """Import a CSV (sites_of_concern.csv columns) or JSON (outlets.json format) outlet list."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutletListError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OutletListError(f"{path.name} is not UTF-8 text") from None
    if text.lstrip()[:1] in {"{", "["}:
        return outlets_import(records=outlet_records_from_json(text))
    records, skipped = outlet_records_from_csv(text)
    summary = outlets_import(records=records)
    summary.skipped = skipped + summary.skipped
    return summary


def outlets_load_defaults() -> OutletImportSummary:
    """Load provenance/corpus/data/outlets.json into the registry. Safe to run again."""
    return outlets_import(records=outlet_records_from_json(DEFAULT_OUTLETS.read_text("utf-8")))


# --- Ingestion -----------------------------------------------------------------------------------


# An upload that runs out of time this many times is marked failed instead of re-queued again.
MAX_ATTEMPTS = 10


class UploadError(ValueError):
    """The upload as a whole cannot be accepted (no files, too many files, a bad date)."""


def _limits() -> Limits:
    return Limits(
        max_file_bytes=settings.UPLOAD_MAX_FILE_BYTES,
        archive_max_members=settings.ARCHIVE_MAX_MEMBERS,
        archive_max_total_bytes=settings.ARCHIVE_MAX_TOTAL_BYTES,
        archive_max_ratio=settings.ARCHIVE_MAX_RATIO,
    )


def outlet_get_or_create(*, name: str) -> Outlet | None:
    """The registry's outlet for a name or alias; a new outlet (kind other) for a name it does not know."""
    name = " ".join(_storable(name).split())[:200]
    if not name:
        return None
    outlet_id = outlet_directory().resolve(name)
    if outlet_id is not None:
        found = Outlet.objects.filter(pk=outlet_id).first()
        if found is not None:
            return found
    existing = Outlet.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    taken = set(Outlet.objects.filter(slug__startswith=(slugify(name) or "outlet")[:190]).values_list("slug", flat=True))
    try:
        with transaction.atomic():
            outlet = Outlet.objects.create(
                name=name, slug=_unique_slug(name, taken), notes="Added by ingestion: named by an analyst or a manifest."
            )
    except IntegrityError:
        return Outlet.objects.filter(name=name).first()
    outlet_directory_changed()
    return outlet


def _given_date(value) -> tuple[datetime | None, float | None]:
    if value in (None, ""):
        return None, None
    try:
        if isinstance(value, datetime):
            return in_range(value if timezone.is_aware(value) else value.replace(tzinfo=dt_timezone.utc)), 0.0
        if isinstance(value, date):
            return in_range(datetime.combine(value, time(12), tzinfo=dt_timezone.utc)), 12.0
        return read_given_date(str(value))
    except ValueError as exc:
        raise UploadError(f"Published: {exc}.") from None


def _split_manifest(files: list, manifest: dict[str, dict]) -> tuple[dict[str, dict], list]:
    """A manifest.csv sent along with the files describes them: apply it, never read it as an article."""
    documents = []
    for handle in files:
        if not is_manifest(str(getattr(handle, "name", "") or "")):
            documents.append(handle)
            continue
        try:
            rows = read_manifest(b"".join(handle.chunks()))
        except ExtractError as exc:
            raise UploadError(f"{exc.reason}.") from None
        for path, row in rows.items():
            manifest.setdefault(path, row)
            manifest.setdefault(PurePosixPath(path).name, row)
    if not documents:
        raise UploadError(
            "Choose at least one file besides manifest.csv: a manifest describes the files sent with it."
        )
    return manifest, documents


def upload_create(
    *,
    uploader,
    files: list,
    outlet_name: str = "",
    url: str = "",
    published_at=None,
    note: str = "",
    source: str = "web",
    manifest: dict[str, dict] | None = None,
) -> Upload:
    """Store the files under server-generated names and queue processing once the rows are committed.

    Empty and oversized files are refused here, each with its reason; the others are stored. `files`
    are Django File objects whose .name is the analyst's name (or the manifest path for the command).
    `manifest` maps a file's name to its manifest row (url, outlet, published_at, title).
    """
    if not files:
        raise UploadError("Choose at least one file.")
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise UploadError(f"Too many files: {len(files)} (the limit is {settings.UPLOAD_MAX_FILES} per upload).")
    given_published_at, _uncertainty = _given_date(published_at)
    manifest, files = _split_manifest(files, dict(manifest or {}))
    stored: list[UploadFile] = []
    try:
        with transaction.atomic():
            upload = Upload.objects.create(
                uploader=uploader if getattr(uploader, "is_authenticated", False) else None,
                source=source,
                given_outlet=outlet_get_or_create(name=outlet_name) if outlet_name else None,
                given_url=(url or "")[:2000],
                given_published_at=given_published_at,
                note=note or "",
                files_total=len(files),
            )
            refused = 0
            for handle in files:
                original = _storable(PurePosixPath(str(getattr(handle, "name", "") or "unnamed").replace("\\", "/")).as_posix())[-500:]
                size = _file_size(handle)
                reason = ""
                if size == 0:
                    reason = "the file is empty"
                elif size > settings.UPLOAD_MAX_FILE_BYTES:
                    reason = f"the file is {size:,} bytes, over the {settings.UPLOAD_MAX_FILE_BYTES:,}-byte limit"
                if reason:
                    UploadItem.objects.create(
                        upload=upload, upload_file=None, member_path=original, outcome=UploadItem.Outcome.REFUSED, reason=reason
                    )
                    refused += 1
                    continue
                digest = hashlib.sha256()
                for chunk in handle.chunks():
                    digest.update(chunk)
                handle.seek(0)
                row = (manifest or {}).get(original) or {}
                upload_file = UploadFile(
                    upload=upload, original_name=original, size=size, sha256=digest.hexdigest(),
                    manifest={_storable(str(k)): _storable(str(v)) for k, v in row.items()},
                )
                upload_file.file.save(PurePosixPath(original).name, handle, save=False)
                stored.append(upload_file)
                upload_file.save()
            if refused:
                Upload.objects.filter(pk=upload.pk).update(files_done=refused, refused=refused)
            from provenance.review.audit import audit_record  # noqa: PLC0415 — review depends on corpus

            audit_record(
                actor=uploader, action="upload.create", obj=upload,
                after={"files": len(files), "stored": len(stored), "refused": refused, "source": source},
            )
            transaction.on_commit(lambda: _queue_processing(upload.pk))
    except Exception:
        for upload_file in stored:
            upload_file.file.delete(save=False)
        raise
    return upload


def _file_size(handle) -> int:
    size = getattr(handle, "size", None)
    if size is None:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(0)
    return int(size)


def _queue_processing(upload_id: int) -> None:
    from provenance.corpus.tasks import process_upload  # noqa: PLC0415

    process_upload.delay(upload_id)


@dataclass
class _Context:
    upload: Upload
    finder: NameFinder
    limits: Limits
    analyst: Given | None
    created: list[int] = field(default_factory=list)


def _given_uncertainty(value: datetime | None) -> float | None:
    """A date typed without a time is stored as noon UTC (see _given_date): it means the whole day."""
    if value is None:
        return None
    return 12.0 if (value.hour, value.minute, value.second) == (12, 0, 0) else 0.0


def upload_process(*, upload_id: int) -> Upload | None:
    """Read every file of a queued upload into articles. Safe to run twice, and to resume after a crash.

    The upload is claimed with a conditional UPDATE; each document's article and outcome row are
    written together in one transaction, and a document that already has an outcome is skipped.
    """
    claimed = Upload.objects.filter(pk=upload_id, status=Upload.Status.QUEUED).update(
        status=Upload.Status.PROCESSING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    upload = None
    # Everything after the claim is inside the try: whatever fails, the upload must not stay "processing".
    try:
        upload = Upload.objects.select_related("given_outlet").get(pk=upload_id)
        analyst = None
        if upload.given_outlet_id or upload.given_url or upload.given_published_at:
            analyst = Given(
                outlet=upload.given_outlet.name if upload.given_outlet else "",
                url=upload.given_url,
                published_at=upload.given_published_at,
                date_uncertainty_hours=_given_uncertainty(upload.given_published_at),
                source=ANALYST,
            )
        context = _Context(upload=upload, finder=NameFinder(outlet_directory()), limits=_limits(), analyst=analyst)
        # Articles an earlier, interrupted attempt created still need detection.
        context.created.extend(Article.objects.filter(upload=upload).values_list("pk", flat=True))
        for upload_file in upload.files.filter(processed=False).order_by("pk"):
            _process_file(context, upload_file)
    except SoftTimeLimitExceeded:
        # Out of time, not broken: what is stored stays, and the next attempt carries on from there.
        if (upload.attempts if upload else 0) + 1 >= MAX_ATTEMPTS:
            _upload_finish(upload_id, failed=f"Processing did not finish in {MAX_ATTEMPTS} attempts.")
        else:
            Upload.objects.filter(pk=upload_id, status=Upload.Status.PROCESSING).update(status=Upload.Status.QUEUED)
            transaction.on_commit(lambda: _queue_processing(upload_id))
        raise
    except Exception as exc:
        logger.exception("upload %s failed", upload_id)
        _upload_finish(upload_id, failed=f"Processing stopped: {exc.__class__.__name__}. Files already read are kept.")
        raise
    _upload_finish(upload_id)
    if context.created:
        ids = sorted(set(context.created))
        transaction.on_commit(lambda: _queue_detection(ids))
    return Upload.objects.get(pk=upload_id)


def _queue_detection(article_ids: list[int]) -> None:
    from provenance.review.tasks import detect_articles_task  # noqa: PLC0415 — detection is another app

    detect_articles_task.delay(article_ids)


def _upload_finish(upload_id: int, failed: str = "") -> None:
    counts = dict(
        UploadItem.objects.filter(upload_id=upload_id).values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    total = sum(counts.values())
    Upload.objects.filter(pk=upload_id).update(
        status=Upload.Status.FAILED if failed else Upload.Status.DONE,
        error=failed,
        finished_at=timezone.now(),
        files_done=total,
        files_total=Greatest(F("files_total"), total) if failed else total,
        articles_created=counts.get(UploadItem.Outcome.CREATED, 0),
        duplicates=counts.get(UploadItem.Outcome.DUPLICATE, 0),
        refused=counts.get(UploadItem.Outcome.REFUSED, 0),
    )


def _process_file(context: _Context, upload_file: UploadFile) -> None:
    done = set(UploadItem.objects.filter(upload_file=upload_file).values_list("member_path", flat=True))
    manifest = manifest_given(upload_file.manifest) if upload_file.manifest else None
    try:
        with upload_file.file.open("rb") as handle:
            data = handle.read(settings.UPLOAD_MAX_FILE_BYTES + 1)
    except OSError:
        results = [ExtractError("the stored file is missing; upload it again")]
    else:
        results = _guarded(
            read_file(data, upload_file.original_name, limits=context.limits, finder=context.finder), context, upload_file
        )
    seen = 0
    repeats: dict[str, int] = {}
    for result in results:
        seen += 1
        member_path = _storable(result.member_path, 990)
        # An archive may hold two members of one name: number the repeats (stable across re-runs).
        repeats[member_path] = repeats.get(member_path, 0) + 1
        if repeats[member_path] > 1:
            member_path = f"{member_path}#{repeats[member_path]}"
        result.member_path = member_path
        if member_path in done:
            continue
        done.add(member_path)
        if seen > 1:  # an archive holds more documents than the one file counted for it
            Upload.objects.filter(pk=context.upload.pk).update(files_total=F("files_total") + 1)
        try:
            outcome = _store(context, upload_file, result, manifest)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # one document's failure must not lose the others
            logger.exception("upload %s: %s/%s", context.upload.pk, upload_file.original_name, member_path)
            outcome = _store(context, upload_file, ExtractError(f"could not be stored ({exc.__class__.__name__})", member_path=member_path), manifest)
        counter = {
            UploadItem.Outcome.CREATED: "articles_created",
            UploadItem.Outcome.DUPLICATE: "duplicates",
            UploadItem.Outcome.REFUSED: "refused",
        }.get(outcome)
        if counter:
            Upload.objects.filter(pk=context.upload.pk).update(files_done=F("files_done") + 1, **{counter: F(counter) + 1})
    UploadFile.objects.filter(pk=upload_file.pk).update(processed=True)


def _guarded(results: Iterator, context: _Context, upload_file: UploadFile) -> Iterator:
    """read_file's results; should reading still fail (a bug, a library's surprise), that becomes this file's
    refusal, logged with its traceback, and the upload carries on with its next file."""
    read = 0
    try:
        for result in results:
            read += 1
            yield result
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        logger.exception("upload %s: reading %s failed", context.upload.pk, upload_file.original_name)
        yield ExtractError(
            (f"reading stopped after {read} document(s)" if read else "the file could not be read")
            + f": the reader failed unexpectedly ({exc.__class__.__name__}; logged for the maintainers)",
            member_path="(the rest of the file)" if read else "",
        )


def _storable(text: str | None, limit: int | None = None) -> str:
    """Text as the database can keep it: without NUL and other control characters (PostgreSQL refuses NUL
    in text and JSON; tab and newline stay), cut to its column's length. All text ingestion stores passes here."""
    text = strip_controls(text or "")
    return text[:limit] if limit is not None else text


def _store(context: _Context, upload_file: UploadFile, result, manifest: Given | None) -> str | None:
    """Write one document's outcome (and its article) in one transaction. Returns the outcome, or None if
    an earlier attempt already wrote it."""
    member_path = result.member_path
    base = dict(upload=context.upload, upload_file=upload_file, member_path=member_path)
    if isinstance(result, ExtractError):
        try:
            with transaction.atomic():
                UploadItem.objects.create(**base, outcome=UploadItem.Outcome.REFUSED, reason=_storable(result.reason, 2000))
        except IntegrityError:
            return None
        return UploadItem.Outcome.REFUSED
    document = resolve_metadata(result, analyst=context.analyst, manifest=manifest, finder=context.finder)
    for name in ("text", "raw_text", "title", "byline", "url", "outlet_name", "language", "source_format"):
        setattr(document, name, _storable(getattr(document, name)))
    published_at = bounded(document.published_at)  # the readers bound their dates; this is the last guard
    if document.published_at and not published_at:
        document.warnings.append(f"its date {document.published_at.isoformat()} is out of range and was not kept")
    normalised = normalise_for_hash(document.text)
    if not normalised:
        return _store(context, upload_file, ExtractError("no article text found", member_path=member_path), manifest)
    content_hash = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    path = upload_file.original_name + (f"/{member_path}" if member_path else "")
    try:
        with transaction.atomic():
            existing = Article.objects.filter(content_hash=content_hash).values_list("pk", flat=True).first()
            if existing is not None:
                UploadItem.objects.create(
                    **base, outcome=UploadItem.Outcome.DUPLICATE, article_id=existing,
                    reason=f"the same text as article #{existing}",
                )
                return UploadItem.Outcome.DUPLICATE
            outlet = outlet_get_or_create(name=document.outlet_name) if document.outlet_name else None
            article = Article.objects.create(
                outlet=outlet,
                url=document.url[:2000],
                title=document.title[:1000],
                byline=document.byline[:500],
                published_at=published_at,
                date_uncertainty_hours=document.date_uncertainty_hours if published_at else None,
                language=document.language[:16],
                text=document.text,
                raw_text=document.raw_text,
                content_hash=content_hash,
                path=path[:1500],
                upload=context.upload,
                upload_file=upload_file,
                member_path=member_path[:1000],
                source_format=document.source_format[:20],
                field_sources=document.field_sources(),
                needs_review=document.needs_review,
            )
            UploadItem.objects.create(
                **base, outcome=UploadItem.Outcome.CREATED, article=article,
                reason=_storable("; ".join(document.warnings), 2000),
            )
    except IntegrityError:
        # A concurrent run wrote this document, or another upload wrote the same text first.
        if UploadItem.objects.filter(upload_file=upload_file, member_path=member_path).exists():
            return None
        existing = Article.objects.filter(content_hash=content_hash).values_list("pk", flat=True).first()
        with transaction.atomic():
            UploadItem.objects.create(
                **base, outcome=UploadItem.Outcome.DUPLICATE, article_id=existing,
                reason=f"the same text as article #{existing}",
            )
        return UploadItem.Outcome.DUPLICATE
    context.created.append(article.pk)
    return UploadItem.Outcome.CREATED


def uploads_sweep_stuck() -> list[int]:
    """Re-queue uploads left queued or processing past settings.UPLOAD_STUCK_AFTER (a lost task, a dead worker)."""
    deadline = timezone.now() - timedelta(seconds=settings.UPLOAD_STUCK_AFTER)
    stuck = list(
        Upload.objects.filter(
            Q(status=Upload.Status.QUEUED, created_at__lt=deadline)
            | Q(status=Upload.Status.PROCESSING, started_at__lt=deadline)
            | Q(status=Upload.Status.PROCESSING, started_at__isnull=True, created_at__lt=deadline)
        ).values_list("pk", flat=True)
    )
    requeued = []
    for upload_id in stuck:
        # Back to queued (conditionally: it may have finished meanwhile), then a fresh task claims it.
        Upload.objects.filter(pk=upload_id, status=Upload.Status.PROCESSING).update(status=Upload.Status.QUEUED)
        if Upload.objects.filter(pk=upload_id, status=Upload.Status.QUEUED).exists():
            requeued.append(upload_id)
            transaction.on_commit(lambda upload_id=upload_id: _queue_processing(upload_id))
    return requeued
