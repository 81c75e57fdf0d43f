"""The entry point: bytes and a name in, documents (or a clear error per file / member / record) out."""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Iterator

from provenance.extract import sniff as sniffing
from provenance.extract.archive import zip_members
from provenance.extract.decode import decode, strip_controls
from provenance.extract.html import parse_html
from provenance.extract.manifest import is_manifest, manifest_given, manifest_lookup, read_manifest
from provenance.extract.metadata import read_given_date
from provenance.extract.names import NameFinder
from provenance.extract.scraped import opening_dateline, parse_scraped
from provenance.extract.types import (
    METADATA,
    TEXT,
    URL,
    Document,
    ExtractError,
    Limits,
    Result,
    Sourced,
)
from provenance.extract.warc import warc_records
from provenance.extract.wire import looks_like_wire, parse_wire

SUPPORTED = "plain text, HTML, ZIP, WARC or JSON lines"
_EXTENSION_KIND = {
    ".txt": "text", ".text": "text", ".html": "HTML", ".htm": "HTML", ".zip": "ZIP", ".warc": "WARC",
    ".gz": "gzip", ".jsonl": "JSON lines", ".ndjson": "JSON lines", ".json": "JSON",
}


def document_from_text(text: str, *, finder: NameFinder | None = None, member_path: str = "") -> Document:
    if looks_like_wire(text):
        story = parse_wire(text)
        fields: dict[str, Sourced] = {}
        title, confidence = story.title, 0.7
        if not title and story.slug:
            title, confidence = f"{story.slug} (page {story.page})", 0.3
        if title:
            fields["title"] = Sourced(title, TEXT, confidence)
        if story.published_at:
            fields["published_at"] = Sourced(story.published_at, TEXT, 0.7)
        if not story.body.strip():
            raise ExtractError("the wire story has no text after its header", member_path=member_path)
        return Document(
            text=story.body, raw_text=text, title=title, byline=story.byline, published_at=story.published_at,
            date_uncertainty_hours=0.5 if story.published_at else None, member_path=member_path,
            source_format="wire", fields=fields,
        )
    clean = strip_controls(text)
    page = parse_scraped(clean, finder)
    if not page.body.strip():
        raise ExtractError("no article text found in the file", member_path=member_path)
    fields = {}
    if page.title:
        fields["title"] = Sourced(page.title, TEXT, page.title_confidence)
    if page.date:
        fields["published_at"] = Sourced(page.date.value, TEXT, page.date_confidence)
    return Document(
        text=page.body, raw_text=text, title=page.title, byline=page.byline,
        published_at=page.date.value if page.date else None,
        date_uncertainty_hours=page.date.uncertainty_hours if page.date else None,
        member_path=member_path, source_format="text", fields=fields,
        outlet_signals=page.outlet_signals, credited_names=page.credited,
    )


def document_from_html(
    html: str, *, url: str = "", limits: Limits, member_path: str = "", finder: NameFinder | None = None
) -> Document:
    try:
        page = parse_html(html, url=url, limits=limits)
    except ExtractError as exc:
        exc.member_path = member_path
        raise
    fields: dict[str, Sourced] = {}
    if page.title:
        fields["title"] = Sourced(page.title, METADATA, 0.8)
    if page.published_at:
        fields["published_at"] = Sourced(page.published_at, METADATA, 0.7)
    if page.site_name:
        fields["outlet"] = Sourced(page.site_name, METADATA, 0.7)
    if page.url:
        fields["url"] = Sourced(page.url, METADATA, 0.8)
    body = page.body
    first, _, rest = body.partition("\n")
    if page.title and first.strip().casefold() == page.title.strip().casefold() and rest.strip():
        body = rest.lstrip("\n")
    signals = opening_dateline(body.split("\n", 1)[0], finder) if finder and body else []
    return Document(
        outlet_signals=signals,
        text=body, raw_text=html, title=page.title, byline=page.byline, published_at=page.published_at,
        date_uncertainty_hours=page.date_uncertainty_hours, url=page.url, language=page.language,
        member_path=member_path, source_format="html", fields=fields,
    )


def _refusal(name: str, label: str) -> str:
    extension = posixpath.splitext(name.lower())[1]
    claimed = _EXTENSION_KIND.get(extension)
    if claimed:
        return f"named like {claimed} ({extension}) but its bytes are {label}; only {SUPPORTED} files are accepted"
    return f"it is {label}, not {SUPPORTED}"


def _single(data: bytes, name: str, kind: str, *, limits: Limits, finder: NameFinder | None, member_path: str = "", url: str = "", charset: str | None = None) -> Document:
    text = decode(data, declared=charset)
    if kind == sniffing.HTML:
        document = document_from_html(text, url=url, limits=limits, member_path=member_path, finder=finder)
    else:
        document = document_from_text(text, finder=finder, member_path=member_path)
    return document


def _jsonl(data: bytes, *, limits: Limits, finder: NameFinder | None, prefix: str = "") -> Iterator[Result]:
    text = decode(data)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        member = f"{prefix}line {number}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield ExtractError(f"line {number} is not valid JSON ({exc.msg})", member_path=member)
            continue
        if not isinstance(row, dict):
            yield ExtractError(f"line {number} is not a JSON object", member_path=member)
            continue
        url = str(row.get("url") or "")
        try:
            if isinstance(row.get("html"), str) and row["html"].strip():
                document = document_from_html(row["html"], url=url, limits=limits, member_path=member, finder=finder)
                document.source_format = "jsonl"
            elif isinstance(row.get("text"), str) and row["text"].strip():
                document = document_from_text(strip_controls(row["text"]), finder=finder, member_path=member)
                document.raw_text = line
                document.source_format = "jsonl"
            else:
                yield ExtractError(f"line {number} has neither 'text' nor 'html'", member_path=member)
                continue
        except ExtractError as exc:
            exc.member_path = member
            yield exc
            continue
        try:
            published_at, uncertainty = read_given_date(str(row.get("published_at") or ""))
        except ValueError as exc:
            published_at = uncertainty = None
            document.warnings.append(f"published_at not used: {exc}")
        if url:
            document.fields["url"] = Sourced(url, METADATA, 0.9)
            document.url = url
        if row.get("title"):
            document.fields["title"] = Sourced(str(row["title"]), METADATA, 0.9)
        if row.get("outlet"):
            document.fields["outlet"] = Sourced(str(row["outlet"]), METADATA, 0.9)
        if published_at:
            document.fields["published_at"] = Sourced(published_at, METADATA, 0.9)
            document.published_at, document.date_uncertainty_hours = published_at, uncertainty
        yield document


def read_file(data: bytes, name: str, *, limits: Limits | None = None, finder: NameFinder | None = None) -> Iterator[Result]:
    """Documents read from one uploaded file: one for a page, many for a ZIP, WARC or JSONL.

    Never raises for bad input: each problem is yielded as an ExtractError naming the member.
    """
    limits = limits or Limits()
    if not data:
        yield ExtractError("the file is empty")
        return
    if len(data) > limits.max_file_bytes:
        yield ExtractError(f"the file is {len(data):,} bytes, over the {limits.max_file_bytes:,}-byte limit")
        return
    kind = sniffing.sniff(data)
    try:
        if kind == sniffing.ZIP:
            yield from _zip(data, limits=limits, finder=finder)
        elif kind == sniffing.WARC:
            yield from _warc(data, limits=limits, finder=finder)
        elif kind == sniffing.JSONL:
            yield from _jsonl(data, limits=limits, finder=finder)
        elif kind in (sniffing.HTML, sniffing.TEXT):
            yield _single(data, name, kind, limits=limits, finder=finder)
        else:
            yield ExtractError(_refusal(name, kind.label))
    except ExtractError as exc:
        yield exc
    except RecursionError:
        yield ExtractError("the file is nested too deeply to parse")


def _zip(data: bytes, *, limits: Limits, finder: NameFinder | None) -> Iterator[Result]:
    members = list(zip_members(data, limits))
    # A manifest at the top or one folder down describes the archive; a broken one refuses it (ExtractError).
    manifests = [m for m in members if is_manifest(m.path) and m.path.count("/") <= 1]
    manifest: dict[str, dict[str, str]] = {}
    for member in manifests:
        if member.data is not None:
            try:
                manifest.update(read_manifest(member.data, name=member.path))
            except ExtractError as exc:
                raise ExtractError(f"{exc.reason}. The archive is not read until its manifest is fixed") from None
    if len(members) == len(manifests):
        yield ExtractError("the ZIP archive holds no files" + (" besides its manifest" if manifests else ""))
    for member in members:
        if is_manifest(member.path) and member in manifests:
            if member.data is None:
                yield ExtractError(f"{member.path} refused: {member.error}", member_path=member.path)
            continue
        if is_manifest(member.path):
            yield ExtractError(
                f"{member.path} is not read: a manifest applies only at the top of the archive or one folder down",
                member_path=member.path,
            )
            continue
        if member.data is None:
            yield ExtractError(f"{member.path} refused: {member.error}", member_path=member.path)
            continue
        if not member.data:
            yield ExtractError(f"{member.path} is empty", member_path=member.path)
            continue
        kind = sniffing.sniff(member.data)
        if kind in (sniffing.ZIP, sniffing.WARC) or "archive" in kind.label or "compressed" in kind.label:
            yield ExtractError(
                f"{member.path} is {kind.label} inside the archive: archives are read one level deep only",
                member_path=member.path,
            )
            continue
        row = manifest_lookup(manifest, member.path) if manifest else None
        given = manifest_given(row) if row else None
        try:
            if kind == sniffing.JSONL:
                for result in _jsonl(member.data, limits=limits, finder=finder, prefix=f"{member.path}#"):
                    if isinstance(result, Document):
                        result.manifest = given
                    yield result
                continue
            if kind not in (sniffing.HTML, sniffing.TEXT):
                yield ExtractError(f"{member.path}: {_refusal(member.path, kind.label)}", member_path=member.path)
                continue
            document = _single(member.data, member.path, kind, limits=limits, finder=finder, member_path=member.path)
        except ExtractError as exc:
            yield ExtractError(f"{member.path}: {exc.reason}", member_path=member.path)
            continue
        document.manifest = given
        yield document


def _warc(data: bytes, *, limits: Limits, finder: NameFinder | None = None) -> Iterator[Result]:
    seen: dict[str, int] = {}
    skipped: Counter[str] = Counter()
    for record in warc_records(data, limits):
        if record.skipped:
            skipped[record.skipped] += 1
            continue
        member = record.uri or f"record {record.index}"
        seen[member] = seen.get(member, 0) + 1
        if seen[member] > 1:
            member = f"{member}#{seen[member]}"
        if record.payload is None:
            yield ExtractError(f"WARC record #{record.index} ({record.uri or 'no URI'}): {record.error}", member_path=member)
            continue
        if not record.payload.strip():
            yield ExtractError(f"WARC record #{record.index} ({record.uri}) has an empty payload", member_path=member)
            continue
        try:
            kind = sniffing.sniff(record.payload)
            if kind not in (sniffing.HTML, sniffing.TEXT):
                yield ExtractError(f"WARC record #{record.index} ({record.uri}) holds {kind.label}", member_path=member)
                continue
            text = decode(record.payload, declared=record.charset)
            if kind == sniffing.HTML or record.content_type in {"text/html", "application/xhtml+xml"}:
                document = document_from_html(text, url=record.uri, limits=limits, member_path=member, finder=finder)
            else:
                document = document_from_text(text, member_path=member, finder=finder)
        except ExtractError as exc:
            yield ExtractError(f"WARC record #{record.index} ({record.uri}): {exc.reason}", member_path=member)
            continue
        document.source_format = "warc"
        if record.uri:
            document.url = record.uri
            document.fields["url"] = Sourced(record.uri, URL, 1.0)
        if document.published_at is None and record.captured_at is not None:
            # Captured on this date: published then or before. A weak bound, flagged for review.
            document.published_at = record.captured_at
            document.date_uncertainty_hours = 72.0
            document.fields["published_at"] = Sourced(record.captured_at, METADATA, 0.3)
        yield document
    if not seen:
        kinds = ", ".join(f"{n} {kind}" for kind, n in skipped.most_common())
        yield ExtractError(
            "the WARC holds no HTML or text responses"
            + (f" ({skipped.total()} record(s) skipped: {kinds})" if skipped else " (no records at all)")
        )
