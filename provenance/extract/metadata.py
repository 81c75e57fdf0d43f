"""Metadata precedence: analyst / manifest > URL domain > page metadata > text signals.

Every field of a Document gets a Sourced value (where it came from, how sure); the strongest source
present wins. A date given without a time is refined by a time the text gives for the same day.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timezone

from provenance.extract.dates import EARLIEST_YEAR, LATEST_YEAR, DateOutOfRange, in_range
from provenance.extract.names import NameFinder
from provenance.extract.types import ANALYST, MANIFEST, TEXT, URL, Document, Given, Sourced

_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d{2})[/-](?P<month>0?[1-9]|1[0-2])[/-](?P<day>0?[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_EN = frozenset("the of and to in a is that for on was with said as by at from his her it be has have are were".split())
_FR = frozenset("le la les des et est une dans pour que qui sur par au du pas".split())
_DE = frozenset("der die das und ist nicht mit den von zu auf ein eine dem im".split())
_ES = frozenset("el la los las de que y en un una por con para del se".split())


def read_given_date(value: str) -> tuple[datetime | None, float | None]:
    """A date or datetime typed by a person: '2015-10-06', '2015-10-06 13:20', ISO with zone; (None, None)
    when empty. Raises ValueError with a reason a person can act on: not a date, or a year out of range
    (the upload form, manifests and JSON lines all read their dates through here)."""
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            from dateutil import parser as dateparser

            parsed = dateparser.parse(value, dayfirst=False)
        except (ValueError, OverflowError, TypeError):
            raise ValueError(f"{value[:60]!r} is not a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)") from None
    if len(value) <= 10:
        parsed, uncertainty = datetime.combine(parsed.date(), time(12), tzinfo=timezone.utc), 12.0
    elif parsed.tzinfo is None:
        parsed, uncertainty = parsed.replace(tzinfo=timezone.utc), 12.0
    else:
        uncertainty = 0.0
    try:
        return in_range(parsed), uncertainty
    except DateOutOfRange:
        raise DateOutOfRange(
            f"{value[:60]!r} is outside the years {EARLIEST_YEAR}–{LATEST_YEAR} (in UTC)"
        ) from None


def parse_given_date(value: str) -> tuple[datetime | None, float | None]:
    """read_given_date, with (None, None) for anything it refuses."""
    try:
        return read_given_date(value)
    except ValueError:
        return None, None


_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_CJK = re.compile("[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-zà-ÿ]+")


def guess_language(text: str) -> str:
    """A cheap guess from scripts and function words; '' when unsure."""
    sample = text[:3000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return ""
    if len(_CYRILLIC.findall(sample)) > letters / 2:
        return "ru"
    if len(_ARABIC.findall(sample)) > letters / 2:
        return "ar"
    if len(_CJK.findall(sample)) > letters * 0.3:
        return "zh"
    tokens = _LATIN_WORD.findall(sample.lower())
    if len(tokens) < 5:
        return ""
    counts = Counter(tokens)
    scores = {lang: sum(counts[w] for w in words) for lang, words in (("en", _EN), ("fr", _FR), ("de", _DE), ("es", _ES))}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best / len(tokens) > 0.08 else ""


def _pick(candidates: list[Sourced | None]) -> Sourced | None:
    for candidate in candidates:
        if candidate is not None and candidate.value not in (None, ""):
            return candidate
    return None


def _text_outlet(document: Document, finder: NameFinder | None) -> Sourced | None:
    credited = {finder.canonical(n) or n for n in document.credited_names} if finder else set(document.credited_names)
    scores: dict[str, list[float]] = {}
    for name, confidence, _why in document.outlet_signals:
        canonical = (finder.canonical(name) if finder else None) or name
        if canonical in credited:
            continue
        scores.setdefault(canonical, []).append(confidence)
    if not scores:
        return None
    ranked = sorted(
        ((min(0.75, max(values) + 0.1 * (len(values) - 1)), name) for name, values in scores.items()), reverse=True
    )
    confidence, name = ranked[0]
    if len(ranked) > 1 and ranked[1][0] >= confidence - 0.05:
        confidence = 0.3
    return Sourced(name, TEXT, confidence)


def _url_date(url: str) -> Sourced | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        value = datetime(int(match["year"]), int(match["month"]), int(match["day"]), 12, tzinfo=timezone.utc)
    except ValueError:
        return None
    return Sourced(value, URL, 0.7)


def _same_day(precise: datetime, day: datetime) -> bool:
    """Whether a precise time falls on the day a day-only value (stored at noon UTC) stands for."""
    return abs((precise - day).total_seconds()) <= 14 * 3600 and (
        precise.date() == day.date() or precise.astimezone(timezone.utc).date() == day.date()
    )


def resolve_metadata(
    document: Document, *, analyst: Given | None = None, manifest: Given | None = None, finder: NameFinder | None = None
) -> Document:
    """Fill document's fields from the strongest source for each; record where each came from."""
    fields = document.fields
    given = [g for g in (analyst, manifest or document.manifest) if g is not None]

    def from_given(attr: str) -> Sourced | None:
        for g in given:
            value = getattr(g, attr)
            if value not in (None, ""):
                return Sourced(value, ANALYST if g is analyst else MANIFEST, 1.0)
        return None

    url = _pick([from_given("url"), fields.get("url")])
    if url:
        fields["url"] = url
        document.url = str(url.value)

    outlet = from_given("outlet")
    if outlet and finder:
        outlet = Sourced(finder.canonical(str(outlet.value)) or str(outlet.value).strip(), outlet.source, 1.0)
    domain_outlet = None
    if document.url and finder:
        name = finder.domain(document.url)
        domain_outlet = Sourced(name, URL, 0.9) if name else None
    metadata_outlet = fields.get("outlet")
    if metadata_outlet and finder:
        canonical = finder.canonical(str(metadata_outlet.value))
        metadata_outlet = Sourced(canonical or metadata_outlet.value, metadata_outlet.source, 0.8 if canonical else 0.6)
    chosen = _pick([outlet, domain_outlet, metadata_outlet, _text_outlet(document, finder)])
    if chosen:
        fields["outlet"] = chosen
    else:
        fields.pop("outlet", None)
    document.outlet_name = str(chosen.value) if chosen else ""

    title = _pick([from_given("title"), fields.get("title")])
    if title:
        fields["title"] = title
    document.title = str(title.value) if title else ""

    # Dates: the strongest source wins; a day-only value takes the time of a weaker source on that day.
    candidates: list[tuple[Sourced, float | None]] = []
    for g in given:
        if g.published_at is not None:
            candidates.append((Sourced(g.published_at, ANALYST if g is analyst else MANIFEST, 1.0), g.date_uncertainty_hours))
            break
    url_date = _url_date(document.url)
    if url_date is not None:
        candidates.append((url_date, 12.0))
    own = fields.get("published_at")
    if own is not None:
        candidates.append((own, document.date_uncertainty_hours))
    if candidates:
        chosen, uncertainty = candidates[0]
        value = chosen.value
        for weaker, weaker_uncertainty in candidates[1:]:
            if (
                (uncertainty is None or uncertainty >= 12)
                and weaker_uncertainty is not None
                and weaker_uncertainty < 12
                and _same_day(weaker.value, value)
            ):
                value, uncertainty = weaker.value, weaker_uncertainty
                break
        fields["published_at"] = Sourced(value, chosen.source, chosen.confidence)
        document.published_at, document.date_uncertainty_hours = value, uncertainty
    else:
        fields.pop("published_at", None)
        document.published_at = document.date_uncertainty_hours = None

    if not document.language:
        document.language = guess_language(document.text)
    if document.language:
        fields.setdefault("language", Sourced(document.language, TEXT, 0.6))
    if document.byline:
        fields.setdefault("byline", Sourced(document.byline, TEXT, 0.6))
    return document
