"""Dates as pages write them: datelines, run-together Sputnik stamps, US and day-first forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_TIME = r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
_ZONE = r"(?:\s*(?P<zone>GMT|UTC|Z)\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?)?"

# "07:21 GMT +327 February 2017": time, zone offset and day written together (Sputnik).
_RUN_TOGETHER = re.compile(
    rf"\b{_TIME}\s*(?:GMT|UTC)\s*(?P<sign>[+-])(?P<digits>\d{{2,4}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b", re.I
)
_PATTERNS = [
    # Fri Oct 23, 2015 13:26:08 / October 06, 2015 / Oct 5, 2015, 10:20 GMT
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?:,?\s+(?:at\s+)?{_TIME}{_ZONE})?", re.I),
    # 5 October 2015 / 27 February 2017 07:21 GMT
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})(?:,?\s+(?:at\s+)?{_TIME}{_ZONE})?", re.I),
    # 2015-10-15 / 2015-10-15T10:20:00+03:00
    re.compile(rf"\b(?P<year>\d{{4}})-(?P<mnum>\d{{2}})-(?P<day>\d{{2}})(?:[T\s]{_TIME}(?P<iso_zone>Z|[+-]\d{{2}}:?\d{{2}})?)?\b"),
    # 10/15/2015 or 15.10.2015 (order decided below)
    re.compile(rf"\b(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)(?P<year>\d{{4}})\b(?:,?\s+{_TIME})?"),
]


# Dates are kept only within these years, counted in UTC. Outside them a date is a slip or hostile input,
# and one stored past 9999 in UTC (9999-12-31 23:59 -12:00 is year 10000 there) breaks every later read.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class DateOutOfRange(ValueError):
    """A date that cannot be stored: outside EARLIEST_YEAR..LATEST_YEAR once converted to UTC."""


def in_range(value: datetime) -> datetime:
    """value unchanged when it falls within EARLIEST_YEAR..LATEST_YEAR in UTC (a naive value counts as UTC),
    else DateOutOfRange saying so. Every date the readers and forms keep passes through here."""
    try:
        year = (value.astimezone(timezone.utc) if value.tzinfo is not None else value).year
    except OverflowError:  # year 0 or 10000 in UTC
        year = None
    if year is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateOutOfRange(f"{value.isoformat(sep=' ')} is outside the years {EARLIEST_YEAR}–{LATEST_YEAR} (in UTC)")
    return value


def bounded(value: datetime | None) -> datetime | None:
    """value when in_range accepts it, else None: for dates read from files, where an odd one is no date."""
    if value is None:
        return None
    try:
        return in_range(value)
    except DateOutOfRange:
        return None


@dataclass(frozen=True)
class FoundDate:
    value: datetime
    uncertainty_hours: float
    confidence: float
    start: int
    end: int


def _month(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS.get(key[:3])


def _offset(text: str | None) -> timedelta | None:
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").replace(":", "")
    hours, minutes = (int(digits[:-2] or 0), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)


def _build(year, month, day, groups, zone_offset, explicit_zone) -> tuple[datetime, float] | None:
    try:
        year, month, day = int(year), int(month), int(day)
        if not 1900 <= year <= 2100:
            return None
        if groups.get("hour") is None:
            return datetime(year, month, day, 12, tzinfo=timezone.utc), 12.0
        stamp = datetime(
            year, month, day, int(groups["hour"]), int(groups["minute"]), int(groups.get("second") or 0)
        )
    except (TypeError, ValueError):
        return None
    if explicit_zone:
        value = bounded((stamp - (zone_offset or timedelta())).replace(tzinfo=timezone.utc))
        return (value, 0.0) if value else None
    # A time without a zone: somewhere within a day's worth of zones of UTC.
    return stamp.replace(tzinfo=timezone.utc), 12.0


def find_dates(text: str) -> list[FoundDate]:
    """Every date written in text, in order of position."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for match in _RUN_TOGETHER.finditer(text):
        g = match.groupdict()
        digits, sign = g["digits"], -1 if g["sign"] == "-" else 1
        # Split "+327" into offset +3 and day 27: the offset is at most 14, the day at most 31.
        options = [(digits[:i], digits[i:]) for i in (1, 2) if 1 <= len(digits[i:]) <= 2]
        valid = [(int(o), int(d)) for o, d in options if int(o) <= 14 and 1 <= int(d) <= 31]
        if not valid:
            continue
        hours, day = valid[0]
        built = _build(g["year"], _month(g["month"]), day, g, sign * timedelta(hours=hours), True)
        if built:
            found.append(FoundDate(built[0], built[1], 0.7 if len(valid) == 1 else 0.5, match.start(), match.end()))
            taken.append(match.span())
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            g = match.groupdict()
            confidence = 0.7
            if "a" in g and g.get("a"):
                a, b = int(g["a"]), int(g["b"])
                if g["sep"] == "/":
                    month, day = (a, b) if a <= 12 else (b, a)
                    confidence = 0.7 if a > 12 or b > 12 or a == b else 0.45
                else:
                    day, month = a, b
            elif g.get("mnum"):
                month, day = int(g["mnum"]), int(g["day"])
            else:
                month, day = _month(g["month"]), g["day"]
            zone = g.get("zone") or g.get("iso_zone")
            offset = _offset(g.get("offset") or (g.get("iso_zone") if g.get("iso_zone") not in (None, "Z") else None))
            built = _build(g["year"], month, day, g, offset, bool(zone))
            if built:
                found.append(FoundDate(built[0], built[1], confidence, match.start(), match.end()))
                taken.append(match.span())
    return sorted(found, key=lambda d: d.start)
