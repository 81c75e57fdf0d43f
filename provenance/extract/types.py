"""The data the extraction engine takes and returns. Plain dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Where a metadata value came from, strongest first (same words as corpus.models.FieldSource).
ANALYST, MANIFEST, URL, METADATA, TEXT = "analyst", "manifest", "url", "metadata", "text"
# A field read with less confidence than this is flagged for a reviewer.
LOW_CONFIDENCE = 0.5


class ExtractError(Exception):
    """A file or archive member that cannot be read, with a reason a person can act on."""

    def __init__(self, reason: str, *, member_path: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.member_path = member_path

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Sourced:
    """A metadata value with where it came from and how sure the parser is (0–1)."""

    value: object
    source: str
    confidence: float


@dataclass
class Limits:
    """Bounds on what one file may make the parser do (settings ARCHIVE_* and UPLOAD_*)."""

    max_file_bytes: int = 50 * 1024 * 1024
    archive_max_members: int = 5000
    archive_max_total_bytes: int = 500 * 1024 * 1024
    archive_max_ratio: int = 100
    html_max_depth: int = 400
    # Below this many uncompressed bytes, a high ratio is just a small text compressing well.
    ratio_floor_bytes: int = 1024 * 1024


@dataclass
class Given:
    """Metadata supplied by a person: the upload form (analyst) or a manifest row."""

    outlet: str = ""
    url: str = ""
    published_at: datetime | None = None
    date_uncertainty_hours: float | None = None
    title: str = ""
    source: str = MANIFEST


@dataclass
class Document:
    """One article read from a file (or an archive member / WARC record / JSONL line)."""

    text: str
    raw_text: str
    title: str = ""
    byline: str = ""
    published_at: datetime | None = None
    date_uncertainty_hours: float | None = None
    url: str = ""
    outlet_name: str = ""
    language: str = ""
    member_path: str = ""
    source_format: str = ""
    # Per field: Sourced(value, source, confidence); filled by the readers, then by resolve_metadata.
    fields: dict[str, Sourced] = field(default_factory=dict)
    # A manifest row inside an archive that applies to this member.
    manifest: Given | None = None
    # Names the page uses for itself (header datelines, site chrome) with their confidence.
    outlet_signals: list[tuple[str, float, str]] = field(default_factory=list)
    # Outlets the page credits as its source (they are not the page's own outlet).
    credited_names: set[str] = field(default_factory=set)
    # What the reader left out and why (e.g. a date it could not keep); stored with the outcome.
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        for name in ("title", "outlet", "published_at"):
            sourced = self.fields.get(name)
            if sourced is None or sourced.confidence < LOW_CONFIDENCE:
                return True
        return False

    def field_sources(self) -> dict[str, dict]:
        return {
            name: {"source": s.source, "confidence": round(s.confidence, 2)}
            for name, s in self.fields.items()
            if s.value not in (None, "")
        }


Result = Document | ExtractError
