"""Turning a link's evidence into something a reviewer sees at a glance.

Plain helpers (no template library here): highlighted text with the exact characters of the article
(so a text selection's offsets map back to the article), token diffs of shared passages, the chain
timeline's layout and small bar charts. All output is escaped here; only our own tags are marked safe.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# --- Highlighted text ------------------------------------------------------------------------


@dataclass
class Span:
    start: int
    end: int
    kind: str  # credit | passage | note | dropped | ...
    title: str = ""
    href: str = ""
    ident: str = ""
    anchor: str = ""  # an id for the first piece of the span, so a list can link to it


def highlight(text: str, spans: list[Span], *, offset: int = 0) -> SafeString:
    """The text with each span wrapped in a <mark>; overlapping spans share one mark per segment.

    `offset` is where `text` starts in the article, so spans are given in article coordinates.
    The rendered textContent is exactly `text`, character for character.
    """
    length = len(text)
    clipped = []
    for span in spans:
        start, end = max(span.start - offset, 0), min(span.end - offset, length)
        if start < end:
            clipped.append((start, end, span))
    if not clipped:
        return mark_safe(escape(text))
    bounds = sorted({0, length, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    out: list[str] = []
    for left, right in pairwise(bounds):
        piece = escape(text[left:right])
        active = [span for s, e, span in clipped if s <= left and right <= e]
        if not active:
            out.append(piece)
            continue
        kinds = sorted({span.kind for span in active})
        classes = " ".join(f"hl hl-{kind}" if i == 0 else f"hl-{kind}" for i, kind in enumerate(kinds))
        title = "; ".join(dict.fromkeys(span.title for span in active if span.title))
        href = next((span.href for span in active if span.href), "")
        idents = " ".join(span.ident for span in active if span.ident)
        anchors = [span.anchor for s, e, span in clipped if span.anchor and s == left]
        attrs = format_html(' id="{}"', anchors[0]) if anchors else ""
        attrs += format_html(' class="{}"', classes)
        if title:
            attrs += format_html(' title="{}"', title)
        if idents:
            attrs += format_html(' data-refs="{}"', idents)
        if href:
            out.append(f'<a href="{escape(href)}"{attrs}>{piece}</a>')
        else:
            out.append(f"<mark{attrs}>{piece}</mark>")
    return mark_safe("".join(out))


# --- Evidence, normalised ----------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pair(item: dict, side: str) -> tuple[int | None, int | None]:
    """Offsets of one side of a passage, whatever shape detection stored them in."""
    for key in (side, f"{side}_span"):
        value = item.get(key)
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return _int(value[0]), _int(value[1])
        if isinstance(value, dict):
            return _int(value.get("start")), _int(value.get("end"))
    return _int(item.get(f"{side}_start")), _int(item.get(f"{side}_end"))


@dataclass
class Passage:
    source_start: int | None
    source_end: int | None
    target_start: int | None
    target_end: int | None
    source_text: str
    target_text: str
    similarity: float | None = None
    source_html: SafeString = field(default_factory=lambda: mark_safe(""))
    target_html: SafeString = field(default_factory=lambda: mark_safe(""))
    notes: list[str] = field(default_factory=list)
    dropped: int = 0
    added: int = 0
    changed: int = 0


def link_passages(link, *, credits_names: list[str] | None = None) -> list[Passage]:
    """Shared passages of a link with their differences marked. Needs the source article's text."""
    raw = (link.evidence or {}).get("passages") or []
    source_text = link.source_article.text if link.source_article_id else ""
    target_text = link.target.text
    passages = []
    for item in raw[:50]:
        if not isinstance(item, dict):
            continue
        ss, se = _pair(item, "source")
        ts, te = _pair(item, "target")
        s_text = source_text[ss:se] if ss is not None and se is not None else str(item.get("source_text", ""))
        t_text = target_text[ts:te] if ts is not None and te is not None else str(item.get("target_text", ""))
        if not s_text and not t_text:
            continue
        passage = Passage(ss, se, ts, te, s_text, t_text, similarity=item.get("similarity") or item.get("score"))
        diff = token_diff(s_text, t_text, credit_names=credits_names or [])
        passage.source_html, passage.target_html = diff.source_html, diff.target_html
        passage.notes, passage.dropped, passage.added, passage.changed = diff.notes, diff.dropped, diff.added, diff.changed
        passages.append(passage)
    return passages


@dataclass
class CreditView:
    name: str
    cue: str
    role: str
    sentence_html: SafeString
    side: str  # "source" or "target"
    outlet_id: int | None = None


def _credit_sentence(item: dict, text: str) -> tuple[str, int]:
    sentence = str(item.get("sentence") or "")
    start, end = _int(item.get("start")), _int(item.get("end"))
    if not sentence and start is not None and end is not None and text:
        # The sentence around the span: from the previous full stop or newline to the next.
        left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
        right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
        right = min(right_candidates) + 1 if right_candidates else len(text)
        return text[left:right].strip(), left + (len(text[left:right]) - len(text[left:right].lstrip()))
    return sentence, -1


def link_credits(link) -> list[CreditView]:
    """The credit sentences of a link's evidence, with the credited name and its cue highlighted."""
    views = []
    for item in (link.evidence or {}).get("credits") or []:
        if not isinstance(item, dict):
            continue
        side = item.get("side") or ("source" if item.get("article_id") == link.source_article_id and link.source_article_id else "target")
        text = link.target.text if side == "target" else (link.source_article.text if link.source_article_id else "")
        sentence, _ = _credit_sentence(item, text)
        name = str(item.get("name") or item.get("outlet") or "")
        cue = str(item.get("cue") or "")
        spans = []
        for word, kind in ((name, "credit"), (cue, "cue")):
            if word:
                found = sentence.find(word)
                if found == -1:
                    found = sentence.lower().find(word.lower())
                if found != -1:
                    spans.append(Span(found, found + len(word), kind))
        views.append(
            CreditView(
                name=name, cue=cue, role=str(item.get("role") or "").replace("_", " "),
                sentence_html=highlight(sentence, spans) if sentence else mark_safe(""),
                side=side, outlet_id=_int(item.get("outlet_id")),
            )
        )
    return views


@dataclass
class DatesView:
    source: datetime | None
    target: datetime | None
    gap_hours: float | None
    note: str
    source_uncertainty: float | None = None
    target_uncertainty: float | None = None


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return parse_datetime(value) or (parse_datetime(value + "T00:00:00+00:00") if len(value) == 10 else None)
    return None


def link_dates(link) -> DatesView:
    raw = (link.evidence or {}).get("dates") or {}
    # Dates recorded with the evidence, else the articles' own, each with its uncertainty.
    source, source_uncertainty = _as_datetime(raw.get("source")), raw.get("source_uncertainty_hours")
    if source is None and link.source_article_id:
        source = link.source_article.published_at
        source_uncertainty = link.source_article.date_uncertainty_hours
    target, target_uncertainty = _as_datetime(raw.get("target")), raw.get("target_uncertainty_hours")
    if target is None:
        target, target_uncertainty = link.target.published_at, link.target.date_uncertainty_hours
    gap = raw.get("gap_hours")
    if gap is None and source and target:
        gap = (target - source).total_seconds() / 3600
    note = str(raw.get("note") or raw.get("reason") or "")
    if not note and gap is not None:
        if gap < 0:
            note = "The copy is dated before its source: check the direction."
        else:
            note = "The copy appeared after its source."
    return DatesView(source=source, target=target, gap_hours=gap, note=note,
                     source_uncertainty=source_uncertainty, target_uncertainty=target_uncertainty)


def gap_label(hours: float | None) -> str:
    if hours is None:
        return "date unknown"
    sign = "-" if hours < 0 else "+"
    hours = abs(hours)
    if hours < 1:
        return f"{sign}{round(hours * 60)} min"
    if hours < 48:
        return f"{sign}{hours:.0f} h"
    return f"{sign}{hours / 24:.0f} days"


# --- Token diff --------------------------------------------------------------------------------

TOKEN = re.compile(r"\S+\s*|\s+")
NUMBER = re.compile(r"\d")


@dataclass
class Diff:
    source_html: SafeString
    target_html: SafeString
    notes: list[str]
    dropped: int
    added: int
    changed: int


def _wrap(tag: str, css: str, title: str, text: str) -> str:
    """Mark the words, not the whitespace after them."""
    body = text.rstrip()
    tail = text[len(body):]
    if not body:
        return escape(text)
    return f'<{tag} class="diff {css}" title="{title}">{escape(body)}</{tag}>{escape(tail)}'


def _key(token: str) -> str:
    return token.strip().strip(".,;:!?\"'“”‘’()[]").casefold() or token.strip()


def token_diff(source: str, target: str, *, credit_names: list[str] = ()) -> Diff:
    """Word-level differences between a passage and its copy: what the copy dropped, added or changed.

    The rendered sides keep every character of the inputs, so their textContent is the passage text.
    """
    a, b = TOKEN.findall(source), TOKEN.findall(target)
    matcher = difflib.SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    left: list[str] = []
    right: list[str] = []
    notes: list[str] = []
    dropped = added = changed = 0
    names = [n.casefold() for n in credit_names if n]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(escape(old))
            right.append(escape(new))
        elif op == "delete":
            dropped += i2 - i1
            left.append(_wrap("del", "diff-dropped", "Dropped by the copy", old))
            if any(name in old.casefold() for name in names):
                notes.append(f"The copy dropped a credit: “{old.strip()[:120]}”")
        elif op == "insert":
            added += j2 - j1
            right.append(_wrap("ins", "diff-added", "Added by the copy", new))
        else:
            changed += max(i2 - i1, j2 - j1)
            left.append(_wrap("del", "diff-changed", "Changed in the copy", old))
            right.append(_wrap("ins", "diff-changed", "Changed from the source", new))
            if NUMBER.search(old) or NUMBER.search(new):
                notes.append(f"A number changed: “{old.strip()[:60]}” → “{new.strip()[:60]}”")
            elif any(name in old.casefold() for name in names) and not any(name in new.casefold() for name in names):
                notes.append(f"The copy replaced a credit: “{old.strip()[:80]}” → “{new.strip()[:80]}”")
    return Diff(
        source_html=mark_safe("".join(left)),
        target_html=mark_safe("".join(right)),
        notes=list(dict.fromkeys(notes))[:8],
        dropped=dropped, added=added, changed=changed,
    )


def headline_diff(source_title: str, target_title: str) -> Diff | None:
    if not source_title or not target_title or source_title.strip() == target_title.strip():
        return None
    return token_diff(source_title, target_title)


# --- Chain timeline ----------------------------------------------------------------------------


@dataclass
class TimelineNode:
    x: int
    y: int
    width: int
    height: int
    outlet: str
    title: str
    date: str
    href: str
    is_article: bool
    position: int

    @property
    def cx(self) -> int:
        return self.x + self.width // 2


@dataclass
class TimelineEdge:
    x1: int
    x2: int
    y: int
    label: str
    sublabel: str
    status: str
    href: str

    @property
    def mid(self) -> int:
        return (self.x1 + self.x2) // 2


@dataclass
class Timeline:
    width: int
    height: int
    nodes: list[TimelineNode]
    edges: list[TimelineEdge]
    axis_y: int


def published_date(value, uncertainty_hours=None) -> str:
    """A publication date as precise as it is known: the day alone when only the day is (±12 h or more)."""
    if not value:
        return ""
    from django.utils.dateformat import format as date_format
    from django.utils.timezone import localtime

    day_only = uncertainty_hours is not None and float(uncertainty_hours) >= 12
    return date_format(localtime(value), "j M Y" if day_only else "j M Y H:i")


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chain_timeline(nodes, links, *, article_url, outlet_url, link_url) -> Timeline:
    """Lay out a chain left to right: one box per node (outlet, title, date), arrows labelled by link.

    `links` are in chain order; link i joins node i to node i+1 when the chain's nodes and links line up.
    """
    box_w, box_h, gap, pad = 200, 92, 120, 12
    nodes = list(nodes)
    width = pad * 2 + len(nodes) * box_w + max(len(nodes) - 1, 0) * gap
    laid: list[TimelineNode] = []
    for i, node in enumerate(nodes):
        x = pad + i * (box_w + gap)
        outlet = node.display_outlet
        if node.article_id:
            article = node.article
            date = published_date(article.published_at, article.date_uncertainty_hours) or "date unknown"
            laid.append(TimelineNode(x, 30, box_w, box_h, _short(str(outlet or "Unknown outlet"), 24),
                                     _short(article.title or article.path, 30), date, article_url(article), True, i))
        else:
            laid.append(TimelineNode(x, 30, box_w, box_h, _short(str(outlet), 24), "not in the corpus",
                                     "known from a credit", outlet_url(outlet) if outlet else "", False, i))
    edges = []
    for left, right in pairwise(laid):
        before, node = nodes[left.position], nodes[right.position]
        into = [link for link in links if node.article_id and link.target_id == node.article_id]
        # The link whose source is the node on the left; else any link into the node on the right.
        link = next(
            (l for l in into
             if (before.article_id and l.source_article_id == before.article_id)
             or (not before.article_id and l.source_outlet_id == before.outlet_id)),
            into[0] if into else None,
        )
        label = link.get_kind_display() if link else "credited"
        sub = f"score {link.score:.2f}" if link else ""
        edges.append(TimelineEdge(left.x + left.width, right.x, left.y + left.height // 2, label, sub,
                                  link.status if link else "", link_url(link) if link else ""))
    return Timeline(width=width, height=30 + box_h + 30, nodes=laid, edges=edges, axis_y=30 + box_h + 16)


# --- Bar charts --------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    href: str
    confirmed: int
    proposed: int
    y: int
    confirmed_width: float
    proposed_width: float
    bar_x: int = 0
    proposed_x: float = 0
    count_x: float = 0


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_area: int

    @property
    def empty(self) -> bool:
        return not self.bars


def bar_chart(title: str, rows: list[tuple[str, str, int, int]], *, limit: int = 8,
              label_width: int = 170) -> BarChart:
    """Horizontal bars, one per (label, href, confirmed, proposed): confirmed solid, proposed lighter."""
    rows = rows[:limit]
    bar_area, row_h = 240, 26
    most = max((c + p for _, _, c, p in rows), default=0) or 1
    bars = []
    for i, (label, href, confirmed, proposed) in enumerate(rows):
        bars.append(Bar(
            label=label, href=href, confirmed=confirmed, proposed=proposed, y=i * row_h + 4,
            confirmed_width=round(bar_area * confirmed / most, 1),
            proposed_width=round(bar_area * proposed / most, 1),
        ))
        bar = bars[-1]
        bar.bar_x = label_width
        bar.proposed_x = label_width + bar.confirmed_width
        bar.count_x = label_width + bar.confirmed_width + bar.proposed_width + 6
    return BarChart(title=title, bars=bars, width=label_width + bar_area + 50, height=len(bars) * row_h + 8,
                    label_width=label_width, bar_area=bar_area)


# --- Passages two articles share, computed on the spot (for copies of a common origin) -------------


def shared_passages(a_text: str, b_text: str, *, limit: int = 8) -> list[Passage]:
    """The passages two texts share, aligned by the detection engine, with differences marked."""
    from provenance.detect.align import align
    from provenance.detect.text import tokenize

    alignment = align(tokenize(a_text), tokenize(b_text))
    passages = []
    for item in alignment.passages[:limit]:
        (ss, se), (ts, te) = item.a_span, item.b_span
        passage = Passage(ss, se, ts, te, a_text[ss:se], b_text[ts:te])
        diff = token_diff(passage.source_text, passage.target_text)
        passage.source_html, passage.target_html = diff.source_html, diff.target_html
        passage.notes, passage.dropped, passage.added, passage.changed = diff.notes, diff.dropped, diff.added, diff.changed
        passages.append(passage)
    return passages


# --- Page-level builders ------------------------------------------------------------------------


def link_evidence(link) -> dict:
    """Everything the evidence fragment shows for one link."""
    source_names = []
    if link.source_outlet_or_article_outlet:
        source_names = link.source_outlet_or_article_outlet.all_names
    credit_names = [c.get("name", "") for c in (link.evidence or {}).get("credits") or [] if isinstance(c, dict)]
    source_title = link.source_article.title if link.source_article_id else ""
    return {
        "credits": link_credits(link),
        "passages": link_passages(link, credits_names=[*source_names, *credit_names]),
        "dates": link_dates(link),
        "headline": headline_diff(source_title, link.target.title),
        "containment": (link.evidence or {}).get("containment") or {},
    }


def article_spans(*, credits, incoming, outgoing, annotations) -> list[Span]:
    """The marks on an article's text: its credits, the passages it reused and that others reused, notes."""
    from django.urls import reverse

    spans: list[Span] = []
    for credit in credits:
        label = f"Credit: {credit.name} ({credit.get_role_display()})"
        href = reverse("outlet_detail", args=[credit.outlet.slug]) if credit.outlet else ""
        spans.append(Span(credit.start, credit.end, "credit", label, href, f"credit-{credit.pk}"))
    for link in incoming:
        other = link.source_article
        if other is not None:
            title, href = f"Reused from {other.outlet or ''}: {other.title}", reverse("article_detail", args=[other.pk])
        else:
            title, href = f"Reused from {link.source_outlet}", reverse("link_detail", args=[link.pk])
        for start, end in _sides(link, "target"):
            spans.append(Span(start, end, "passage", title, href, f"link-{link.pk}"))
    for link in outgoing:
        title = f"Reused by {link.target.outlet or ''}: {link.target.title}"
        href = reverse("article_detail", args=[link.target_id])
        for start, end in _sides(link, "source"):
            spans.append(Span(start, end, "reused", title, href, f"link-{link.pk}"))
    for note in annotations:
        if note.start is not None and note.end is not None:
            spans.append(Span(note.start, note.end, "note", f"Note by {note.author}: {note.body[:200]}", "",
                              f"note-{note.pk}", anchor=f"mark-note-{note.pk}"))
    return spans


def _sides(link, side: str) -> list[tuple[int, int]]:
    found = []
    for passage in (link.evidence or {}).get("passages") or []:
        if isinstance(passage, dict):
            start, end = _pair(passage, side)
            if start is not None and end is not None:
                found.append((start, end))
    return found


METADATA_FIELDS = (
    ("title", "Title"), ("outlet", "Outlet"), ("published_at", "Published"),
    ("byline", "Byline"), ("url", "URL"), ("language", "Language"),
)


def metadata_rows(article) -> list[dict]:
    """Each metadata value with where it came from and how sure the parser (or reviewer) was."""
    rows = []
    for name, label in METADATA_FIELDS:
        source = (article.field_sources or {}).get(name) or {}
        rows.append({"name": name, "label": label, "value": getattr(article, name),
                     "source": source.get("source", ""), "confidence": source.get("confidence"),
                     "by": source.get("by", "")})
    return rows
