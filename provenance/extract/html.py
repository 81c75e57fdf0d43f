"""HTML pages: refuse pathological markup, then trafilatura for the article and its metadata."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import trafilatura

from provenance.extract.dates import bounded
from provenance.extract.scraped import clean_body
from provenance.extract.types import ExtractError, Limits

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont frame isindex keygen".split()
)
# Elements the HTML parser closes implicitly; they do not nest in practice.
_AUTOCLOSE = frozenset("p li dt dd tr td th option thead tbody tfoot".split())
_LANG = re.compile(r"<html\b[^>]*\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


@dataclass
class HtmlPage:
    title: str
    byline: str
    body: str
    published_at: datetime | None
    url: str
    site_name: str
    language: str
    # ± hours around published_at: 12 for a day alone, 14 for a time without a zone, 0.5 with one.
    date_uncertainty_hours: float | None = None


def nesting_depth(html: str, stop_at: int) -> int:
    """The deepest element nesting, counted on the tags (stops counting past stop_at)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing or name in _AUTOCLOSE:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    return deepest
    return deepest


_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def page_date(value: str | None) -> tuple[datetime | None, float | None]:
    """htmldate's reading (in _DATE_FORMAT) as (UTC datetime, ± hours). Midnight without a zone is how
    htmldate gives a day alone: that is the whole day (noon ± 12 h). A time without a zone could be in
    any zone (UTC−12…+14): kept as UTC ± 14 h. A time with its zone is exact to the half hour."""
    if not value:
        return None, None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    if parsed.tzinfo is None and (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
        parsed, uncertainty = parsed.replace(hour=12, tzinfo=timezone.utc), 12.0
    elif parsed.tzinfo is None:
        parsed, uncertainty = parsed.replace(tzinfo=timezone.utc), 14.0
    else:
        uncertainty = 0.5
    parsed = bounded(parsed)
    return (parsed.astimezone(timezone.utc), uncertainty) if parsed else (None, None)


def parse_html(html: str, *, url: str = "", limits: Limits | None = None) -> HtmlPage:
    limits = limits or Limits()
    depth = nesting_depth(html, limits.html_max_depth)
    if depth > limits.html_max_depth:
        raise ExtractError(
            f"the HTML nests elements more than {limits.html_max_depth} levels deep: refusing pathological markup"
        )
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url or None,
            fast=True,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": _DATE_FORMAT},
        )
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExtractError(f"the HTML could not be parsed ({exc.__class__.__name__})") from None
    if result is None or not (result.text or "").strip():
        raise ExtractError("no article text found in the HTML page")
    published_at, uncertainty = page_date(result.date)
    language = (getattr(result, "language", None) or "").lower()
    if not language and (match := _LANG.search(html[:5000])):
        language = match.group(1).lower()
    return HtmlPage(
        title=(result.title or "").strip(),
        byline=(result.author or "").strip(),
        body=clean_body(result.text),
        published_at=published_at,
        url=result.url or url or "",
        site_name=(result.sitename or "").strip(),
        language=language,
        date_uncertainty_hours=uncertainty,
    )
