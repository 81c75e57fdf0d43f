"""manifest.csv: what a person says about the files sent with it (path, url, outlet, published_at, title).

One reader for the upload form, the ingest command and archives, so a manifest is read, and refused, the
same way wherever it comes from. A manifest is refused whole, with the row and what is wrong with it,
rather than applied in part: an article stored with half its manifest is wrong in a way nobody sees.
"""

from __future__ import annotations

import csv
import io
import posixpath

from provenance.extract.decode import strip_controls
from provenance.extract.metadata import parse_given_date, read_given_date
from provenance.extract.types import ExtractError, Given

MANIFEST_NAME = "manifest.csv"
COLUMNS = "path, url, outlet, published_at, title"


def is_manifest(name: str) -> bool:
    return posixpath.basename(name.replace("\\", "/")).lower() == MANIFEST_NAME


def manifest_key(path: str) -> str:
    """A path as manifests and lookups compare it: forward slashes, no './' or '/' in front, no '//'."""
    path = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    return "" if path == "." else path


def read_manifest(data: bytes, *, name: str = MANIFEST_NAME) -> dict[str, dict[str, str]]:
    """Rows keyed by manifest_key(path), each {column: value} with control characters removed.

    Raises ExtractError naming the row and the problem: not UTF-8 CSV, no path column, a row with more
    fields than the header, a field too long for a CSV reader, a published_at that is no usable date.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractError(f"{name} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: dict[str, dict[str, str]] = {}
    try:
        header = [(column or "").strip().lower() for column in reader.fieldnames or []]
        if "path" not in header:
            raise ExtractError(f"{name} needs a 'path' column (and {COLUMNS.removeprefix('path, ')})")
        for raw in reader:
            line = reader.line_num
            if None in raw:
                raise ExtractError(
                    f"{name} row {line} has more fields ({len(header) + len(raw[None])}) than the header "
                    f"({len(header)}): quote values that contain commas"
                )
            row = {(k or "").strip().lower(): strip_controls(v or "").strip() for k, v in raw.items()}
            path = manifest_key(row.get("path", ""))
            if not path:
                continue
            try:
                read_given_date(row.get("published_at", ""))
            except ValueError as exc:
                raise ExtractError(f"{name} row {line}: published_at {exc}") from None
            rows[path] = row
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ExtractError(
                f"{name} row {reader.line_num} has a field longer than {csv.field_size_limit():,} characters "
                "(an unclosed quote?)"
            ) from None
        raise ExtractError(f"{name} is not a readable CSV file (row {reader.line_num}: {exc})") from None
    return rows


def manifest_given(row: dict) -> Given:
    """A manifest row (as read_manifest gives it, or as stored with an uploaded file) as Given metadata."""
    # parse_given_date, not read_given_date: rows stored before manifests were checked may hold anything.
    published_at, uncertainty = parse_given_date(str(row.get("published_at") or ""))
    return Given(
        outlet=str(row.get("outlet") or ""), url=str(row.get("url") or ""), title=str(row.get("title") or ""),
        published_at=published_at, date_uncertainty_hours=uncertainty,
    )


def manifest_lookup(manifest: dict, path: str):
    """The row for path; in an archive of a folder, the manifest inside the folder names paths relative to it."""
    path = manifest_key(path)
    if path in manifest:
        return manifest[path]
    parts = path.split("/")
    for i in range(1, len(parts)):
        if "/".join(parts[i:]) in manifest:
            return manifest["/".join(parts[i:])]
    return None
