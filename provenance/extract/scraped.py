"""Scraped text: find the article inside a page someone copied as text, menus and comments included.

A page is read as a list of units (non-empty lines, or paragraphs for hard-wrapped text):

    header (site chrome, dateline, photo credit, lead)   title   header   body   footer

The title is found first (a line the page repeats, or the most headline-like line at the top),
the body starts at the first prose paragraph after it, and ends at the first line that opens
page furniture (comments, "Leave a Reply", "Check Also", disclaimers, data dumps); headline lists
and tag lines left at its end are trimmed. Credit lines ("Source: RT", "The original source of
this article is RT") are part of the article and stay.
"""

from __future__ import annotations

import functools
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field

from provenance.extract.dates import FoundDate, find_dates
from provenance.extract.names import NameFinder

_PARENTHESIS = re.compile(r"[()]")
_URL_SCHEME = re.compile(r"<(?:https?|ftp)://")
_URL_STOP = re.compile(r"[>\s]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")

# Whole lines that are site furniture wherever they appear.
_CHROME_LINE = re.compile(
    r"^(?:skip to (?:main )?content|skip to navigation|back to top|get short url|short url|print(?: this)?"
    r"|share(?: this)?(?: article| story)?|e-?mail|tweet|pin it|whatsapp|telegram|follow us(?: on .*)?"
    r"|advertisement|advert|sponsored|menu|search|home|close|loading\.*|(?:read|listen|watch|see) (?:more|also)"
    r"|related(?: (?:articles|stories|posts|news|content))?|more on this(?: story)?|\d+ min read"
    r"|(?:font size|text size).*|(?:facebook|twitter|linkedin|reddit|vk)(?:\s+(?:facebook|twitter|linkedin|reddit|vk))*)"
    r"\s*[:.!»›>]*$",
    re.IGNORECASE,
)
# "READ MORE: Some other headline" points at another article.
_READ_MORE = re.compile(r"^(?:read|listen|watch|see) (?:more|also)\s*:", re.IGNORECASE)
# Lines that open the page furniture after the article. Furniture lines are short: a paragraph of
# running prose that happens to start with "Copyright" or "3 comments" is not one.
_END_MARKER_SHORT = re.compile(
    r"^(?:check also|related (?:articles|stories|posts|news|content)|you (?:may|might) also like|recommended(?: for you)?"
    r"|more (?:stories|from|news)\b|most (?:read|popular|viewed)|trending(?: now)?|leave a (?:reply|comment)"
    r"|post a comment|add (?:a )?comment|\d+\s+comments?\s*[:»›]?\s*$|comments?\s*(?:\(\d+\))?$|all comments|show (?:new )?comments"
    r"|community standards|comment via\b|comment on\b.*(?:facebook|page)|join the discussion|discussion$"
    r"|share this:?$|like this:?$|like loading|tags?\s*:|filed under|topics?\s*:"
    r"|copyright\s*(?:©|\(c\)|\d{4})|©\s*(?:\d{4}|copyright)|all rights reserved|become a member"
    r"|subscribe (?:to|now)|sign up (?:for|to)|newsletter\s*[:!]?$|about the author|articles by\s*:)",
    re.IGNORECASE,
)
_END_MARKER_ANY = re.compile(
    r"^(?:disclaimer\s*:|for media inquiries|string\(\d+\)\s*\"|array\(\d+\)\s*\{|object\([\w\\]+\)#\d+|\[\{\"|\{\")",
    re.IGNORECASE,
)


def _is_end_marker(text: str) -> bool:
    return bool(_END_MARKER_ANY.match(text) or (len(text) <= 120 and _END_MARKER_SHORT.match(text)))


_TWEET_ATTRIBUTION = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s*(?:\w+\s+\d{1,2},\s+\d{4})?\s*$")
_TWEET_BODY = re.compile(r"pic\.twitter\.com/|https?://t\.co/|twitter\.com/\w+/status/", re.IGNORECASE)
_BREADCRUMB = re.compile(r"\s+(?:/|>|»|›|\|)\s+")
_LABEL = re.compile(r"^[A-Z][a-z]+(?: [a-z]+)?\s*:\s+\S")
_BYLINE = re.compile(r"^by\s+(?P<name>[^\n]{2,100}?)\s*$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(r"^(?:©|\(c\)|photo(?:graph)?\s*(?:credit)?\s*:|image\s*:|credit\s*:)", re.IGNORECASE)
_CREDIT_LINE = re.compile(
    r"^(?:sources?\s*:|via\s*:?\s|the original source of this article is|this article (?:was )?(?:originally )?"
    r"(?:published|appeared)|(?:originally|first) (?:published|appeared)|republished (?:from|with)|courtesy(?: of)?\s"
    r"|h/t\s|credit\s*:)",
    re.IGNORECASE,
)
# Words that make a name a credit of someone else rather than the page's own.
_CREDIT_CUES = re.compile(
    r"(?:original source of this article is|^sources?\s*:|^by\s|articles? by\s*:?|copyright|©|republished from"
    r"|(?:originally|first) (?:published|appeared) (?:in|on|at|by)|courtesy of|^via\s|reported by|according to)\s*",
    re.IGNORECASE,
)
# Site furniture that names the site it belongs to.
_SELF_CUES = re.compile(
    r"(?:comments? (?:via|on)|become a member of|subscribe to|follow|support|donate to|sign up for|join"
    r"|newsletter of|contact|about)\s+(?:us\s+(?:on|at)\s+)?(?:the\s+)?",
    re.IGNORECASE,
)
_CREDIT_WORDS = ("source", "by", "copyright", "©", "republished", "published", "appeared", "courtesy", "via", "reported", "according")
_SELF_WORDS = ("comment", "member", "subscribe", "follow", "support", "donate", "sign up", "join", "newsletter", "contact", "about")
_DOMAIN = re.compile(r"\b(?:www\.)?(?:[a-z0-9-]+\.)+(?:com|net|org|ru|ir|ca|uk|cn|info|news|tv|me|io|de|fr|su)\b", re.I)
# Pieces of _DOMAIN for _domains: a run of labels and dots, a top-level domain, where a name may start.
_LABEL_RUN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?", re.I)
_TOP_LEVEL = re.compile(r"(?:com|net|org|ru|ir|ca|uk|cn|info|news|tv|me|io|de|fr|su)\b", re.I)
_NAME_START = re.compile(r"\b[a-z0-9-]", re.I)
_STOPWORDS = frozenset(
    "a an and as at but by for from in into of on or the to with vs via is are was be".split()
)


@dataclass
class Unit:
    text: str
    index: int


@dataclass
class ScrapedPage:
    title: str = ""
    title_confidence: float = 0.0
    body: str = ""
    byline: str = ""
    date: FoundDate | None = None
    date_confidence: float = 0.0
    # (outlet name as written, confidence, why)
    outlet_signals: list[tuple[str, float, str]] = field(default_factory=list)
    credited: set[str] = field(default_factory=set)


def clean_line(line: str) -> str:
    if "](" in line:
        line = _drop_markdown_links(_drop_markdown_images(line))
    if "<" in line:
        line = _drop_autolinks(line)
    return " ".join(line.split())


# Markdown images, links and <autolinks> are removed by scanning, not with re.sub: the regexes
# (kept in the docstrings, and in tests/test_hostile_sizes.py, which checks the scanners give the
# same result) start again at every "[" or "<" and rescan the rest of the line from there, so a
# long line of them took quadratic time. The scanners do the same in one pass.


def _drop_markdown_images(line: str) -> str:
    r"""re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line) in linear time."""
    out, kept_from = [], 0
    start = line.find("![")
    while start >= 0:
        close = line.find("]", start + 2)  # the same "]" for every "![" before it
        if close < 0:
            break
        if not line.startswith("(", close + 1):
            start = line.find("![", close + 1)
            continue
        end = line.find(")", close + 2)
        if end < 0:
            break
        out.append(line[kept_from:start])
        kept_from = end + 1
        start = line.find("![", kept_from)
    out.append(line[kept_from:])
    return "".join(out)


def _drop_markdown_links(line: str) -> str:
    r"""re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)", r"\1", line) in linear time: links keep their text.

    The target after "](" is a run of characters and "(...)" groups up to the first ")" outside a
    group; it is unclosed when a "(" has no ")" after it or the line ends first. Where a target that
    reaches a given parenthesis ends does not depend on where it started, so it is computed once per
    parenthesis, right to left.
    """
    parentheses = array("q", (m.start() for m in _PARENTHESIS.finditer(line)))
    # ends[k]: where a target ends whose first parenthesis at or after its current point is
    # parentheses[k]; -1 when unclosed (also ends[len]: no parenthesis left).
    ends = array("q", [-1]) * (len(parentheses) + 1)
    next_close = -1  # index of the nearest ")" to the right
    for k in range(len(parentheses) - 1, -1, -1):
        if line[parentheses[k]] == ")":
            ends[k] = parentheses[k] + 1
            next_close = k
        elif next_close >= 0:
            ends[k] = ends[next_close + 1]  # the "(...)" group, then what follows it
    out, kept_from = [], 0
    start = line.find("[")
    while start >= 0:
        close = line.find("]", start + 1)  # the same "]" for every "[" before it
        if close < 0:
            break
        end = ends[bisect_left(parentheses, close + 2)] if line.startswith("(", close + 1) else -1
        if end < 0:
            start = line.find("[", close + 1)
            continue
        out.append(line[kept_from:start])
        out.append(line[start + 1 : close])
        kept_from = end
        start = line.find("[", end)
    out.append(line[kept_from:])
    return "".join(out)


def _drop_autolinks(line: str) -> str:
    r"""re.sub(r"<(?:https?|ftp)://[^>\s]+>", "", line) in linear time."""
    out, kept_from = [], 0
    start = line.find("<")
    while start >= 0:
        scheme = _URL_SCHEME.match(line, start)
        if scheme is None:
            start = line.find("<", start + 1)
            continue
        stop = _URL_STOP.search(line, scheme.end())  # the same stop for every "<http://" before it
        if stop is None:
            break
        if stop.group() == ">" and stop.start() > scheme.end():
            out.append(line[kept_from:start])
            kept_from = stop.end()
        start = line.find("<", stop.end())
    out.append(line[kept_from:])
    return "".join(out)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@functools.lru_cache(maxsize=8192)
def is_prose(text: str) -> bool:
    """A paragraph of running text, not a label, headline or menu item."""
    count = len(words(text))
    if count >= 8 and re.search(r"[.!?…:;][\"'”’»)\]]*$", text):
        return True
    return count >= 25 or (len(text) >= 150 and count >= 15)


def _ends_article(text: str) -> bool:
    """A line an article may end on: prose, a short full sentence, or a credit line (not a headline or tags)."""
    if is_prose(text) or _CREDIT_LINE.match(text):
        return True
    return len(words(text)) >= 4 and bool(re.search(r"[.!?…][\"'”’»)\]]*$", text))


def title_case_ratio(text: str) -> float:
    tokens = [w for w in words(text) if w.lower() not in _STOPWORDS and not w[0].isdigit()]
    if not tokens:
        return 0.0
    return sum(1 for w in tokens if w[0].isupper()) / len(tokens)


def _split_units(text: str) -> list[Unit]:
    lines = [clean_line(line) for line in text.split("\n")]
    units = [Unit(line, number) for number, line in enumerate(lines) if line]
    return _unwrap(units)


def _unwrap(units: list[Unit]) -> list[Unit]:
    """Join hard-wrapped lines (text saved at a fixed width) back into paragraphs."""
    lengths = sorted(len(u.text) for u in units)
    if len(lengths) < 6:
        return units
    width = lengths[int(len(lengths) * 0.9) - 1]
    if not 50 <= width <= 100 or sum(1 for n in lengths if n >= 0.7 * width) < len(lengths) / 2:
        return units
    # Paragraphs are built as lists of lines and joined once: growing one string line by line (and
    # measuring it each time) made a 10 MB hard-wrapped page quadratic. A line joins the paragraph
    # above it when that paragraph, as joined so far, is at least 0.6 * width long (units hold no
    # line breaks, so this is the length of the whole joined paragraph).
    paragraphs: list[list[Unit]] = []
    length = 0  # of the last paragraph joined with spaces
    for unit in units:
        if (
            paragraphs
            and unit.index == paragraphs[-1][-1].index + 1
            and length >= 0.6 * width
            and not _is_end_marker(unit.text)
        ):
            paragraphs[-1].append(unit)
            length += 1 + len(unit.text)
        else:
            paragraphs.append([unit])
            length = len(unit.text)
    return [Unit(" ".join(u.text for u in lines), lines[-1].index) for lines in paragraphs]


def _key(text: str) -> str:
    return " ".join(words(text.casefold()))


def _breadcrumb_tail(text: str) -> str | None:
    parts = _BREADCRUMB.split(text)
    if len(parts) >= 3 or (len(parts) == 2 and len(words(parts[0])) <= 2):
        return parts[-1]
    return None


def _is_header_chrome(text: str) -> bool:
    return bool(
        _CHROME_LINE.match(text)
        or _PHOTO_CREDIT.match(text)
        or _BYLINE.match(text)
        or _LABEL.match(text)
        or _breadcrumb_tail(text) is not None
    )


def _title_candidate(text: str) -> bool:
    count = len(words(text))
    return (
        3 <= count <= 30
        and len(text) <= 250
        and not re.search(r"[.,;]$", text)
        and not _is_header_chrome(text)
        and not find_dates(text)
        and not _DOMAIN.fullmatch(text)
    )


def _find_title(units: list[Unit], window: int = 12) -> tuple[int, int, float]:
    """(index of the title unit, index of its last copy, confidence); (-1, -1, 0) when none."""
    top = units[:window]
    keys = [_key(u.text) for u in top]
    for i, unit in enumerate(top):
        tail = _breadcrumb_tail(unit.text)
        key = _key(tail) if tail else keys[i]
        if not 3 <= len(key.split()) <= 30 or (not tail and not _title_candidate(unit.text)):
            continue
        # A repeated headline is a headline both times; a line repeated as a sentence is the lead.
        copies = [j for j in range(i + 1, len(top)) if keys[j] == key and not is_prose(top[j].text)]
        if copies:
            first = i if not tail else copies[0]
            return first, copies[-1], 0.75
    first_prose = next((i for i, u in enumerate(top) if is_prose(u.text)), len(top))
    best, best_score = -1, 0.0
    for i, unit in enumerate(top[:first_prose]):
        if not _title_candidate(unit.text):
            continue
        count = len(words(unit.text))
        score = 2 * title_case_ratio(unit.text) + (1.0 if 4 <= count <= 20 else 0.3) - 0.05 * i
        if score > best_score:
            best, best_score = i, score
    if best < 0:
        return -1, -1, 0.0
    confidence = 0.6 if title_case_ratio(units[best].text) >= 0.6 else 0.45
    return best, best, confidence


def _first_sentence_title(body: str) -> str:
    first = body.split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    tokens = sentence.split()
    return " ".join(tokens[:14]) + ("…" if len(tokens) > 14 else "")


def _drop_in_body(units: list[Unit]) -> list[Unit]:
    """Embedded tweets, 'READ MORE' pointers, furniture lines and repeated embed captions."""
    kept: list[Unit] = []

    def pop_paragraph_before(line_number: int) -> None:
        # The lines of the paragraph that ends just above line_number (one blank line allowed).
        while kept and len(kept[-1].text) < 300:
            gap = line_number - kept[-1].index
            if not (gap == 1 or (gap == 2 and not is_prose(kept[-1].text))):
                break
            line_number = kept.pop().index

    for position, unit in enumerate(units):
        text = unit.text
        if _CHROME_LINE.match(text) or _READ_MORE.match(text):
            continue
        if _TWEET_ATTRIBUTION.match(text) or (_TWEET_BODY.search(text) and len(text) < 400):
            # A tweet: its text, its links and its "— Name (@handle) date" line go together.
            pop_paragraph_before(unit.index)
            continue
        nxt = units[position + 1].text if position + 1 < len(units) else None
        prev = units[position - 1].text if position > 0 else None
        if not is_prose(text) and (text == nxt or text == prev):
            continue
        kept.append(unit)
    return kept


def parse_scraped(text: str, finder: NameFinder | None = None) -> ScrapedPage:
    units = _split_units(text)
    page = ScrapedPage()
    if not units:
        return page
    title_at, title_end, title_conf = _find_title(units)
    start_from = title_end + 1 if title_at >= 0 else 0
    body_start = next((i for i in range(start_from, len(units)) if is_prose(units[i].text)), None)
    if body_start is None:
        body_start = start_from if start_from < len(units) else len(units)
    body_end = next((i for i in range(body_start, len(units)) if _is_end_marker(units[i].text)), len(units))
    # Headline lists and tag lines at the end of the body belong to the footer. (Moving the cut, not
    # the units one by one: a page of two million short lines made that quadratic.)
    while body_end - body_start > 1 and not _ends_article(units[body_end - 1].text):
        body_end -= 1
    body = units[body_start:body_end]
    footer = units[body_end:]
    header = [u for i, u in enumerate(units[:body_start]) if not title_at <= i <= title_end or title_at < 0]
    photo_credits = [u for u in header if _PHOTO_CREDIT.match(u.text)]
    body = photo_credits + _drop_in_body(body)
    page.body = "\n\n".join(u.text for u in body)

    if title_at >= 0:
        tail = _breadcrumb_tail(units[title_at].text)
        page.title = tail if tail else units[title_at].text
        page.title_confidence = title_conf
    elif page.body:
        page.title, page.title_confidence = _first_sentence_title(page.body), 0.2

    for unit in header:
        match = _BYLINE.match(unit.text)
        if match and not page.byline:
            page.byline = match.group("name")
    title_units = units[title_at : title_end + 1] if title_at >= 0 else []
    for unit in sorted(header + title_units[1:], key=lambda u: u.index):
        dates = find_dates(unit.text)
        if dates:
            page.date, page.date_confidence = dates[0], min(dates[0].confidence, 0.6)
            break

    if finder is not None:
        _outlet_signals(page, header, body, footer, finder)
    return page


def _outlet_signals(page: ScrapedPage, header: list[Unit], body: list[Unit], footer: list[Unit], finder: NameFinder) -> None:
    """Where the page names itself: a dateline in the header, the body's opening, or its own furniture."""
    # Credits of other outlets sit in the header, in credit lines, at the end of the body and in the footer.
    credit_units = header + [u for u in body if _CREDIT_LINE.match(u.text) or _PHOTO_CREDIT.match(u.text)] + body[-2:] + footer[:40]
    for unit in credit_units:
        lowered = unit.text.lower()
        if not any(word in lowered for word in _CREDIT_WORDS):
            continue
        for cue in _CREDIT_CUES.finditer(unit.text):
            found = finder.at(unit.text, cue.end())
            if found:
                page.credited.add(found)
    for unit in header:
        if _PHOTO_CREDIT.match(unit.text) or _BYLINE.match(unit.text):
            continue
        found = finder.at(unit.text, 0)
        dates = find_dates(unit.text)
        if found and dates and dates[0].start <= len(found) + 4:
            page.outlet_signals.append((found, 0.6, "dateline in the page header"))
    opening = next((u.text for u in body if not _PHOTO_CREDIT.match(u.text)), "")
    page.outlet_signals.extend(opening_dateline(opening, finder) if opening else [])
    for unit in header + footer[:40]:
        if _PHOTO_CREDIT.match(unit.text) or re.match(r"^(?:copyright|©)", unit.text, re.I):
            continue
        lowered = unit.text.lower()
        if any(word in lowered for word in _SELF_WORDS):
            for cue in _SELF_CUES.finditer(unit.text):
                found = finder.at(unit.text, cue.end())
                if found:
                    page.outlet_signals.append((found, 0.45, f"site furniture: {unit.text[:60]}"))
        if "." not in lowered:
            continue
        for domain in _domains(unit.text):
            found = finder.domain(domain)
            if found:
                page.outlet_signals.append((found, 0.4, f"site furniture names {domain}"))


def _domains(text: str) -> list[str]:
    """What _DOMAIN.finditer(text) finds, in linear time.

    The regex takes as many "label." as it can, then backs off one label at a time until a top-level
    domain follows; from every start in a long "a.a.a.a…" it rescans the rest of the run, which was
    quadratic. Every start in one run of labels and dots backs off to the same place, the last dot
    followed by a top-level domain, and the first start (a word boundary) wins: one match per run.
    """
    found = []
    for run in _LABEL_RUN.finditer(text):
        first, last = run.span()
        dot = text.rfind(".", first, last)
        while dot >= 0 and not _TOP_LEVEL.match(text, dot + 1):
            dot = text.rfind(".", first, dot)
        if dot < 0:
            continue
        start = _NAME_START.search(text, first, dot)
        if start:
            found.append(text[start.start() : _TOP_LEVEL.match(text, dot + 1).end()])
    return found


def opening_dateline(opening: str, finder: NameFinder) -> list[tuple[str, float, str]]:
    """'Example Daily — ...' or 'MOSCOW (Sputnik) — ...' opening an article: the outlet naming itself."""
    signals = []
    found = finder.at(opening, 0)
    if found and re.match(r"\s*[—–-]{1,2}\s", opening[len(found) :]):
        signals.append((found, 0.6, "dateline opening the article"))
    match = re.match(r"^[A-Z][A-Za-z .,'-]{0,40}\(", opening)
    if match:
        found = finder.at(opening, match.end())
        if found and re.match(r"\)\s*[—–-]", opening[match.end() + len(found) :]):
            signals.append((found, 0.5, "dateline opening the article"))
    return signals


def clean_body(text: str) -> str:
    """Furniture out of an already-extracted article text (e.g. trafilatura's output)."""
    units = _split_units(text)
    first_prose = next((i for i, u in enumerate(units) if is_prose(u.text)), 0)
    end = next((i for i in range(first_prose + 1, len(units)) if _is_end_marker(units[i].text)), len(units))
    units = units[:end]
    while len(units) > 1 and not _ends_article(units[-1].text):
        units.pop()
    return "\n\n".join(u.text for u in _drop_in_body(units))
