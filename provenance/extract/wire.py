"""Press Association wire copy (the METER corpus): a header block, '<' line-end markers, wrapped lines.

    ----------------------------------------
                15:20 08/08/99: Page 1 (HHH) SHOWBIZ Edmonds
    ----------------------------------------
    `I'M QUITTING BECAUSE BBC TV IS BORING', SAYS EDMONDS<
    \x19By Nicky Burridge, PA News<
    \x19Television presenter Noel Edmonds said today he was quitting the BBC because
    he found the programmes ``too boring''.<
    ...
    \x19end
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from provenance.extract.dates import bounded

_STAMP = re.compile(
    r"^\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})\s+(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{2,4}):"
    r"\s*Page\s+(?P<page>\d+)\s*(?:\((?P<priority>[A-Z]+)\))?\s*(?P<slug>.*?)\s*$",
    re.MULTILINE,
)
_RULE = re.compile(r"^\s*-{10,}\s*$", re.MULTILINE)
_NOTE = re.compile(r"^\((?:[^()]|\([^)]*\))*\)$|^embargoed\b.*$|^(?:corrected|correction|writethru)\b.*$", re.I)
_BYLINE = re.compile(r"^by\s+(?P<name>.{3,120}?)\.?$", re.IGNORECASE)
_END = re.compile(r"^(?:end|ends|more|mfl|mf)\.?$", re.IGNORECASE)
_LONDON = ZoneInfo("Europe/London")


@dataclass
class WireStory:
    title: str
    byline: str
    body: str
    published_at: datetime | None
    slug: str
    page: int


def looks_like_wire(text: str) -> bool:
    head = text[:1500]
    return bool(_STAMP.search(head)) and bool(_RULE.search(head))


def _quotes(text: str) -> str:
    # PA's 7-bit conventions: ``quoted'' text, # for the pound sign, _ for a dash.
    text = text.replace("``", '"').replace("''", '"').replace("`", "'")
    text = re.sub(r"#(?=\d)", "£", text)
    return re.sub(r"(?<=\s)_(?=\s)", "-", text)


def _is_headline(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.8 and len(text) <= 200


def parse_wire(text: str) -> WireStory:
    lines = text.split("\n")
    stamp = None
    body_from = 0
    for number, line in enumerate(lines[:20]):
        match = _STAMP.match(line)
        if match:
            stamp = match
            body_from = number + 1
            while body_from < len(lines) and _RULE.match(lines[body_from]):
                body_from += 1
            break
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in lines[body_from:]:
        starts_paragraph = raw.startswith("\x19")
        line = raw.replace("\x19", "").strip()
        if starts_paragraph and current:
            paragraphs.append(" ".join(current))
            current = []
        ends_paragraph = line.endswith("<")
        line = line.rstrip("<").strip()
        if line:
            current.append(line)
        if ends_paragraph and current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    paragraphs = [_quotes(re.sub(r"\s+", " ", p)).strip() for p in paragraphs]
    paragraphs = [p for p in paragraphs if p]
    while paragraphs and _END.match(paragraphs[-1]):
        paragraphs.pop()
    while paragraphs and _NOTE.match(paragraphs[0]):
        paragraphs.pop(0)
    title = byline = ""
    if paragraphs and _is_headline(paragraphs[0]):
        title = paragraphs.pop(0)
        while paragraphs and _NOTE.match(paragraphs[0]):
            paragraphs.pop(0)
    if paragraphs and (match := _BYLINE.match(paragraphs[0])) and len(paragraphs[0]) <= 140:
        byline = match.group("name").strip()
        paragraphs.pop(0)
    published_at = None
    slug, page = "", 0
    if stamp:
        year = int(stamp["year"])
        year += 1900 if year >= 50 and year < 100 else 2000 if year < 50 else 0
        try:
            published_at = bounded(datetime(
                year, int(stamp["month"]), int(stamp["day"]), int(stamp["hour"]), int(stamp["minute"]),
                tzinfo=_LONDON,
            ))
        except ValueError:
            published_at = None
        slug, page = stamp["slug"], int(stamp["page"])
    return WireStory(title=title, byline=byline, body="\n\n".join(paragraphs), published_at=published_at, slug=slug, page=page)
