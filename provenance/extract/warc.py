"""WARC web archives: every HTML (or text) response record becomes a document."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from provenance.extract.types import ExtractError, Limits


@dataclass
class WarcRecord:
    index: int
    uri: str
    captured_at: datetime | None
    content_type: str
    payload: bytes | None
    charset: str | None = None
    error: str = ""


def _captured(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def warc_records(data: bytes, limits: Limits) -> Iterator[WarcRecord]:
    """Response/resource records with a text or HTML payload; malformed or truncated ones as errors."""
    stream = io.BytesIO(data)
    index = 0
    try:
        iterator = ArchiveIterator(stream, check_digests=False)
        for record in iterator:
            index += 1
            declared_length = record.rec_headers.get_header("Content-Length") if record.rec_headers else None
            if not record.rec_type or not (declared_length or "").strip().isdigit():
                # Without a type and a length the records after this one cannot be found either.
                raise ExtractError(
                    f"WARC record #{index} is malformed (no WARC-Type or Content-Length header); "
                    "the records after it cannot be read"
                )
            if record.rec_type not in {"response", "resource"}:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            captured = _captured(record.rec_headers.get_header("WARC-Date"))
            if record.http_headers is not None:
                status = record.http_headers.get_statuscode() or ""
                content_type = record.http_headers.get_header("Content-Type") or ""
            else:
                status = "200"
                content_type = record.rec_headers.get_header("Content-Type") or ""
            mime = content_type.split(";")[0].strip().lower()
            if mime not in {"text/html", "application/xhtml+xml", "text/plain", ""}:
                continue
            declared = record.rec_headers.get_header("Content-Length")
            try:
                payload = record.content_stream().read(limits.max_file_bytes + 1)
            except Exception as exc:  # noqa: BLE001 — warcio raises many kinds on broken chunking/gzip
                yield WarcRecord(index, uri, captured, mime, None, error=f"its payload cannot be read ({exc.__class__.__name__})")
                continue
            remaining = getattr(record.raw_stream, "limit", 0)
            if remaining:
                yield WarcRecord(
                    index, uri, captured, mime, None,
                    error=f"the record is truncated: {remaining:,} of its {declared} bytes are missing",
                )
                continue
            if len(payload) > limits.max_file_bytes:
                yield WarcRecord(index, uri, captured, mime, None, error="its payload is larger than the limit for one file")
                continue
            if not str(status).startswith("2"):
                yield WarcRecord(index, uri, captured, mime, None, error=f"HTTP status {status}: not a page")
                continue
            charset = None
            if "charset=" in content_type.lower():
                charset = content_type.lower().split("charset=")[-1].split(";")[0].strip().strip("\"'") or None
            yield WarcRecord(index, uri, captured, mime, payload, charset)
    except ExtractError:
        raise
    except ArchiveLoadFailed as exc:
        raise ExtractError(f"WARC record #{index + 1} is malformed: {str(exc).splitlines()[0][:200]}") from None
    except (EOFError, OSError, ValueError) as exc:
        raise ExtractError(f"WARC record #{index + 1} is truncated or damaged ({exc.__class__.__name__})") from None
