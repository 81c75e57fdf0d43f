"""WARC web archives: every HTML (or text) response record becomes a document."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from provenance.extract.dates import bounded
from provenance.extract.types import ExtractError, Limits

_GZIP_CHUNK = 16 * 1024


@dataclass
class WarcRecord:
    index: int
    uri: str
    captured_at: datetime | None
    content_type: str
    payload: bytes | None
    charset: str | None = None
    error: str = ""
    # A record not read for its kind (a request, a revisit, an image…): what it was.
    skipped: str = ""


def _captured(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return bounded(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def warc_records(data: bytes, limits: Limits) -> Iterator[WarcRecord]:
    """Response/resource records with a text or HTML payload; malformed or truncated ones as errors;
    the others (requests, revisits, images…) as `skipped`. Raises ExtractError where reading must stop."""
    inflated = _Inflated(data) if data[:2] == b"\x1f\x8b" else None
    stream = io.BufferedReader(inflated) if inflated else io.BytesIO(data)
    index = 0
    try:
        iterator = ArchiveIterator(stream, check_digests=False)
        for record in iterator:
            index += 1
            declared_length = record.rec_headers.get_header("Content-Length") if record.rec_headers else None
            if not record.rec_type or not (declared_length or "").strip().isdigit():
                if inflated and inflated.problem:
                    raise ExtractError(_lost(inflated.problem, index))
                # Without a type and a length the records after this one cannot be found either.
                raise ExtractError(
                    f"WARC record #{index} is malformed (no WARC-Type or Content-Length header); "
                    "the records after it cannot be read"
                )
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            captured = _captured(record.rec_headers.get_header("WARC-Date"))
            if record.rec_type not in {"response", "resource"}:
                yield WarcRecord(index, uri, captured, "", None, skipped=f"{record.rec_type} record")
                continue
            if record.http_headers is not None:
                status = record.http_headers.get_statuscode() or ""
                content_type = record.http_headers.get_header("Content-Type") or ""
            else:
                status = "200"
                content_type = record.rec_headers.get_header("Content-Type") or ""
            mime = content_type.split(";")[0].strip().lower()
            if mime not in {"text/html", "application/xhtml+xml", "text/plain", ""}:
                yield WarcRecord(index, uri, captured, mime, None, skipped=mime)
                continue
            declared = record.rec_headers.get_header("Content-Length")
            try:
                payload = record.content_stream().read(limits.max_file_bytes + 1)
            except Exception as exc:  # noqa: BLE001 — warcio raises many kinds on broken chunking/gzip
                yield WarcRecord(index, uri, captured, mime, None, error=f"its payload cannot be read ({exc.__class__.__name__})")
                continue
            remaining = getattr(record.raw_stream, "limit", 0)
            if remaining and inflated and inflated.problem:
                yield WarcRecord(index, uri, captured, mime, None, error=f"the file {inflated.problem} inside this record; nothing after it can be read")
                return
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
    # warcio fails in many ways on a broken record (an AttributeError for a response without
    # WARC-Target-URI, or a header cut short); whichever it is, the records after it cannot be found.
    except (ArchiveLoadFailed, AttributeError, TypeError, IndexError, KeyError, EOFError, OSError, ValueError) as exc:
        if inflated and inflated.problem:
            raise ExtractError(_lost(inflated.problem, index + 1)) from None
        raise ExtractError(f"WARC record #{index + 1} {_malformed(exc)}; the records after it cannot be read") from None
    if inflated and inflated.problem:
        raise ExtractError(f"the file {inflated.problem} after WARC record #{index}; anything after it is lost")


def _lost(problem: str, index: int) -> str:
    return f"WARC record #{index}: the file {problem} there; nothing from there on can be read"


def _malformed(exc: Exception) -> str:
    """What a warcio failure says about the record, in words (never the raw bytes it choked on)."""
    if isinstance(exc, ArchiveLoadFailed):
        return "is malformed: it does not start with a 'WARC/1.x' header line"
    if isinstance(exc, (AttributeError, TypeError, IndexError, KeyError)):
        return "is malformed: its header is incomplete (no WARC-Target-URI, or cut short)"
    return f"is truncated or damaged ({exc.__class__.__name__})"


class _Inflated(io.RawIOBase):
    """A gzipped WARC uncompressed member after member, for warcio to read as a plain WARC.

    Where a member is damaged or the file is cut short the stream simply ends and .problem says which:
    warcio alone drops the rest without a word, or reads on through the compressed bytes as if text.
    """

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._position = 0
        self._inflater = None
        self._out = b""
        self._offset = 0
        self.problem = ""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._offset >= len(self._out):
            if not self._inflate():
                return 0
        size = min(len(buffer), len(self._out) - self._offset)
        buffer[:size] = self._out[self._offset : self._offset + size]
        self._offset += size
        return size

    def _inflate(self) -> bool:
        """Uncompress the next chunk into self._out; False at the end of the data or at a problem."""
        if self.problem:
            return False
        if self._inflater is not None and self._inflater.eof:
            self._position -= len(self._inflater.unused_data)  # where the next member starts
            self._inflater = None
        if self._inflater is None:
            if self._position >= len(self._data):
                return False
            self._inflater = zlib.decompressobj(wbits=31)
        if self._position >= len(self._data):
            self.problem = "is cut short"
            return False
        chunk = self._data[self._position : self._position + _GZIP_CHUNK]
        self._position += len(chunk)
        try:
            self._out, self._offset = self._inflater.decompress(chunk), 0
        except zlib.error:
            self.problem = "is damaged (its compressed data is corrupt)"
            return False
        return True
